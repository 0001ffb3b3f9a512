// Building capture requests for tests: one event, a body in any encoding, a request around it.

import assert from 'node:assert/strict';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import type { HttpRequest } from '../../../src/reference/http-types.js';
import { parseCaptureRequest } from '../../../src/reference/capture/parse-capture.js';

export const NOW = new Date('2024-05-01T10:00:00.000Z');
export const TOKEN = 'phc_test_project_token';

export const anEvent = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  event: 'page viewed',
  distinct_id: 'user-1',
  properties: { plan: 'pro' },
  ...fields,
});

export function request(
  url: string,
  body: Buffer | string = '',
  headers: Record<string, string> = {},
  method = 'POST',
): HttpRequest {
  return {
    method,
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    remoteAddress: '127.0.0.1',
  };
}

/** A /batch request of these events with a batch-level api_key. */
export const batchRequest = (events: unknown[], extra: Record<string, unknown> = {}): HttpRequest =>
  request('/batch/', JSON.stringify({ api_key: TOKEN, batch: events, ...extra }));

export function parseOk(req: HttpRequest): CapturedEvent[] {
  const result = parseCaptureRequest(req, NOW);
  if (!result.ok) assert.fail(`expected the request to be accepted, got ${result.status}: ${result.message}`);
  return result.events;
}

export function parseStatus(req: HttpRequest): number {
  const result = parseCaptureRequest(req, NOW);
  return result.ok ? 200 : result.status;
}

/** A seeded PRNG (mulberry32): the same seed gives the same fuzz inputs on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
