// Event uuids at the capture edge: a random UUIDv7 for events sent without one (as PostHog's
// capture does), and the parsing that decides whether a sent uuid is valid. PostHog parses with
// the Rust uuid crate, which takes the hyphenated, simple (32 hex), braced and urn forms.

import { randomFillSync } from 'node:crypto';

const HEX = /^[0-9a-fA-F]{32}$/;

// Random bytes are drawn in blocks: one crypto call per 512 uuids instead of one per uuid.
const POOL = Buffer.alloc(10 * 512);
let poolOffset = POOL.length;

function randomBytes10(): Buffer {
  if (poolOffset + 10 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = POOL.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return bytes;
}

/** RFC 9562 UUIDv7: 48-bit unix ms, version 7, variant 0b10, 74 random bits. */
export function generateUuidV7(unixMs: number): string {
  const r = randomBytes10();
  const ms = Math.max(0, Math.floor(unixMs)).toString(16).padStart(12, '0');
  const randA = (((r[0] ?? 0) & 0x0f) << 8) | (r[1] ?? 0);
  const varHi = ((r[2] ?? 0) & 0x3f) | 0x80;
  const tail = r.subarray(3, 10).toString('hex');
  return (
    `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${randA.toString(16).padStart(3, '0')}-` +
    `${varHi.toString(16).padStart(2, '0')}${tail.slice(0, 2)}-${tail.slice(2)}`
  );
}

/** The uuid in canonical form (lower-case, hyphenated), or null when the text is not a uuid. */
export function normalizeUuid(text: string): string | null {
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
