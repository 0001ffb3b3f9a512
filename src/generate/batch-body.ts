// The request body of one batch, as posthog-php and posthog-node send it to /batch/:
// `{"api_key":…,"batch":[…]}`, assembled from events that are already JSON text.
// No `sent_at`: with it PostHog rewrites every timestamp as now + (timestamp − sent_at), and the
// timestamp must stay the event's intended send time.

import { gzipSync } from 'node:zlib';
import type { Compression } from '../scenario/scenario.js';

export function batchBody(token: string, events: readonly string[]): string {
  return `{"api_key":${JSON.stringify(token)},"batch":[${events.join(',')}]}`;
}

/** The bytes to send and the headers that describe them. */
export interface EncodedBody {
  readonly body: string | Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const GZIP_HEADERS = { 'content-type': 'application/json', 'content-encoding': 'gzip' } as const;

/**
 * zlib level 1, not zlib's default 6 (what posthog-js's fflate and posthog-node's gzip use):
 * zlib takes about 1.4x less CPU per event (`npm run bench -- generator`), for about 15–17 % more
 * bytes on the wire (web-app in requests of 10: 4.2x instead of 4.9x; quickstart in batches of
 * 100: 10.8x instead of 12.4x). The target decodes a little more input than from a real SDK; its
 * work per event is otherwise unchanged. README "Encoding and the generator's speed".
 */
export const GZIP_LEVEL = 1;

/**
 * gzip runs synchronously on purpose: the sender encodes a batch before its send time arrives,
 * so the cost lands in idle time instead of in a thread-pool queue that would delay the send.
 */
export function encodeBatchBody(text: string | Buffer, compression: Compression): EncodedBody {
  return compression === 'gzip'
    ? { body: gzipSync(text, { level: GZIP_LEVEL }), headers: GZIP_HEADERS }
    : { body: text, headers: JSON_HEADERS };
}
