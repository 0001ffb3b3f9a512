// The reject fault at capture: for a fraction of capture requests, answer the configured status
// (429, 503, …) before anything is enqueued, the way an overloaded PostHog capture does. Decided
// per request with a seeded PRNG, for capture routes (where the route table sends it: health is
// never rejected) but the black hole.

import { json, type HttpRequest, type HttpResponse } from '../http-types.js';
import { captureRouteOf, pathOf } from '../capture/capture-routes.js';
import { seededRandom } from '../pipeline/fault-roll.js';
import type { FaultSpec } from '../pipeline/fault-spec.js';

export interface RejectFaultOptions {
  faults(): FaultSpec;
  /** Called for each rejected request, before the answer is sent (count it there). */
  onReject(request: HttpRequest, status: number): void;
}

export function createRejectFault(
  options: RejectFaultOptions,
): (request: HttpRequest) => HttpResponse | null {
  let seed = -1;
  let random = Math.random;
  return (request) => {
    const reject = options.faults().reject;
    if (reject === null) return null;
    if (captureRouteOf(pathOf(request.url))?.blackHole !== false) return null;
    const faults = options.faults();
    if (faults.seed !== seed) {
      seed = faults.seed;
      random = seededRandom(seed);
    }
    if (random() >= reject.probability) return null;
    options.onReject(request, reject.status);
    return json(
      reject.status,
      rejectBody(reject.status),
      reject.status === 429 || reject.status === 503 ? { 'retry-after': '1' } : {},
    );
  };
}

function rejectBody(status: number): unknown {
  if (status === 429)
    return { type: 'throttled', code: 'rate_limited', detail: 'Injected fault: reject=429.' };
  if (status === 503)
    return { type: 'server_error', code: 'service_unavailable', detail: 'Injected fault: reject=503.' };
  return { type: 'server_error', code: 'injected_fault', detail: `Injected fault: reject=${status}.` };
}
