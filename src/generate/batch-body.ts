// The request body of one batch, as posthog-php and posthog-node send it to /batch/:
// `{"api_key":…,"batch":[…]}`, assembled from events that are already JSON text.
// No `sent_at`: with it PostHog rewrites every timestamp as now + (timestamp − sent_at), and the
// timestamp must stay the event's intended send time.

import { gzipSync } from 'node:zlib';
import type { Compression } from '../scenario/scenario.js';

export function batchBody(token: string, events: readonly string[]): string {
  return `{"api_key":${JSON.stringify(token)},"batch":[${events.join(',')}]}`;
}

/** A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair, 2 units, takes 4). */
const MAX_UTF8_PER_UNIT = 3;
const COMMA = 0x2c;
const CLOSE = Buffer.from(']}', 'latin1');

/**
 * One sender's batch bodies, byte for byte `Buffer.from(batchBody(token, events))`, written
 * straight into a buffer it reuses. The string path joined the events, wrapped them in a second
 * string V8 keeps as a tree, then flattened and encoded that: about 2.2 µs per web-app event
 * against 0.5 µs here, all of it CPU the sender spends beside generation and zlib.
 */
export class BatchBodyWriter {
  private readonly prefix: Buffer;
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(token: string) {
    this.prefix = Buffer.from(`{"api_key":${JSON.stringify(token)},"batch":[`, 'utf8');
  }

  /** The body's bytes, in the writer's buffer: valid until the next call. */
  write(events: readonly string[]): Buffer {
    let bound = this.prefix.length + events.length + CLOSE.length;
    for (const event of events) bound += event.length * MAX_UTF8_PER_UNIT;
    if (this.scratch.length < bound) this.scratch = Buffer.allocUnsafe(bound);
    const out = this.scratch;
    let at = this.prefix.copy(out, 0);
    for (let i = 0; i < events.length; i++) {
      if (i > 0) out[at++] = COMMA;
      at += out.write(events[i]!, at, 'utf8');
    }
    at += CLOSE.copy(out, at);
    return out.subarray(0, at);
  }

  /** The body of `events` encoded to send; it owns its bytes (the writer's buffer is reused). */
  encode(events: readonly string[], compression: Compression): EncodedBody {
    const bytes = this.write(events);
    return encodeBatchBody(compression === 'gzip' ? bytes : Buffer.from(bytes), compression);
  }
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
 * zlib takes about 1.4x less CPU per event, for 13–20 % more bytes on the wire
 * (`npm run bench -- generator` prints both ratios: web-app in requests of 10 4.5x instead of
 * 5.4x, quickstart in batches of 100 10.0x instead of 11.3x). The target decodes a little more
 * input than from a real SDK; its work per event is otherwise unchanged. README "Encoding and the
 * generator's speed".
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
