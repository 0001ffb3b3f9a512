// The capture tier of the reference target as a (request) → response function for the capture
// routes (the route table in server/reference-routes.ts sends it those alone, and adds capture's
// CORS to every answer): parseCaptureRequest (pure), the admission rules (unknown token, quota:
// capture-admission.ts) and the durable enqueue. A 200 means the events are durable (or, for a
// quota-limited project, deliberately not kept): the response waits for `enqueue` to resolve,
// and a failed enqueue answers 503 so the sender retries (nothing from that request is
// acknowledged).

import { debuglog } from 'node:util';
import type { CapturedEvent } from '../captured-event.js';
import { json, text, type HttpRequest, type HttpResponse } from '../http-types.js';
import { admitCapture, type CaptureAdmissionRules } from './capture-admission.js';
import { corsHeaders, preflightHeaders } from './capture-cors.js';
import { captureRouteOf, pathOf } from './capture-routes.js';
import { parseCaptureRequest } from './parse-capture.js';

const debug = debuglog('ingestbench:capture');

export interface CaptureDeps {
  /** Durably append accepted events; resolve only when durable. Rejects (e.g. queue unavailable) → 503. */
  enqueue(events: readonly CapturedEvent[]): Promise<void>;
  now(): Date;
  /** Unknown tokens and quotas; without rules every well-formed request is enqueued. */
  readonly admission?: CaptureAdmissionRules;
  /** Events of a quota-limited project, answered 200 and not enqueued (count them there). */
  onQuotaLimited?(events: readonly CapturedEvent[]): void;
}

const OK_BODY = { status: 'Ok' } as const;

export function createCaptureHandler(deps: CaptureDeps): (req: HttpRequest) => Promise<HttpResponse> {
  return async (req) => {
    const path = pathOf(req.url);
    if (req.method !== 'GET' && req.method !== 'POST') {
      return text(405, `${req.method} is not allowed on ${path}: use POST (or GET with ?data=)`, {
        allow: 'GET, POST, OPTIONS',
      });
    }

    let parsed;
    try {
      parsed = parseCaptureRequest(req, deps.now());
    } catch (error: unknown) {
      // The parser returns rejections as values; a throw is a bug in it, not bad input.
      debug('capture parser threw on %s: %o', path, error);
      return text(500, 'internal error while parsing the capture request');
    }
    if (!parsed.ok) {
      debug('%s %s → %d %s', req.method, path, parsed.status, parsed.message);
      return text(parsed.status, parsed.message);
    }
    const ok = parsed.beacon ? { status: 204, headers: {}, body: '' } : json(200, OK_BODY);
    if (captureRouteOf(path)?.blackHole === true) return ok;

    // Every event of a parsed request carries the one token resolveToken agreed on.
    const admission = deps.admission ? admitCapture(parsed.events[0]!.token, deps.admission) : null;
    if (admission?.kind === 'refuse') {
      const { status, message } = admission.rejection;
      debug('%s %s → %d %s', req.method, path, status, message);
      return text(status, message);
    }
    if (admission?.kind === 'quota_limited') {
      deps.onQuotaLimited?.(parsed.events);
      return ok;
    }
    try {
      await deps.enqueue(parsed.events);
    } catch (error: unknown) {
      debug('enqueue of %d events failed: %o', parsed.events.length, error);
      return text(503, 'transient error, please retry: the event queue is unavailable');
    }
    return ok;
  };
}

/** GET /_readiness and /_liveness: this process answers, so it is ready and alive. */
export const captureHealth = (req: HttpRequest): HttpResponse =>
  req.method === 'GET' || req.method === 'HEAD'
    ? text(200, 'ok')
    : text(405, `${req.method} is not allowed on ${pathOf(req.url)}: use GET`, { allow: 'GET, HEAD' });

/**
 * The last handler of the capture port: a path nobody answers is 404 with capture's CORS headers,
 * as PostHog's capture answers one, so a browser sees the 404 rather than a CORS failure.
 */
export function captureNotFound(req: HttpRequest): HttpResponse {
  if (req.method === 'OPTIONS') return { status: 204, headers: preflightHeaders(req), body: '' };
  return text(404, `No route for ${req.method} ${pathOf(req.url)}.`, corsHeaders(req));
}
