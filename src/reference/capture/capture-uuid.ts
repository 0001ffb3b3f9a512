// Event uuids at the capture edge: a random UUIDv7 for events sent without one (as PostHog's
// capture does), and the parsing that decides whether a sent uuid is valid. PostHog parses with
// the Rust uuid crate, which takes the hyphenated, simple (32 hex), braced and urn forms.

import { randomFillSync } from 'node:crypto';

const HEX = /^[0-9a-fA-F]{32}$/;
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_DIGIT = '0123456789abcdef';

// Capture generates a uuid for every event sent without one, so this is on the hot path: random
// bytes are drawn in blocks (one crypto call per 512 uuids) and the time prefix is reused while
// the millisecond is the same (a whole request shares one capture time).
const POOL = new Uint8Array(10 * 512);
let poolOffset = POOL.length;
let prefixMs = -1;
let prefix = '';

/** RFC 9562 UUIDv7: 48-bit unix ms, version 7, variant 0b10, 74 random bits. */
export function generateUuidV7(unixMs: number): string {
  const ms = Math.max(0, Math.floor(unixMs));
  if (ms !== prefixMs) {
    const h = ms.toString(16).padStart(12, '0');
    prefix = `${h.slice(0, 8)}-${h.slice(8, 12)}-7`;
    prefixMs = ms;
  }
  if (poolOffset + 10 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const o = poolOffset;
  poolOffset += 10;
  const b = (i: number): number => POOL[o + i] as number;
  return (
    prefix +
    HEX_DIGIT[b(0) & 0x0f] +
    HEX_BYTE[b(1)] +
    '-' +
    HEX_BYTE[(b(2) & 0x3f) | 0x80] +
    HEX_BYTE[b(3)] +
    '-' +
    HEX_BYTE[b(4)] +
    HEX_BYTE[b(5)] +
    HEX_BYTE[b(6)] +
    HEX_BYTE[b(7)] +
    HEX_BYTE[b(8)] +
    HEX_BYTE[b(9)]
  );
}

/** The uuid in canonical form (lower-case, hyphenated), or null when the text is not a uuid. */
export function normalizeUuid(text: string): string | null {
  if (CANONICAL.test(text)) return text;
  let hex: string;
  if (text.length === 36) {
    if (text[8] !== '-' || text[13] !== '-' || text[18] !== '-' || text[23] !== '-') return null;
    hex = text.slice(0, 8) + text.slice(9, 13) + text.slice(14, 18) + text.slice(19, 23) + text.slice(24);
  } else if (text.length === 32) {
    hex = text;
  } else if (text.length === 38 && text.startsWith('{') && text.endsWith('}')) {
    return normalizeUuid(text.slice(1, -1));
  } else if (text.length === 45 && text.slice(0, 9).toLowerCase() === 'urn:uuid:') {
    return normalizeUuid(text.slice(9));
  } else {
    return null;
  }
  if (!HEX.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True for a canonical UUIDv7 (version nibble 7, RFC variant). */
export function isUuidV7(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(text);
}
