// UUIDv7 with random bits, as posthog-js's uuidv7() makes `$session_id` and `$window_id`
// (packages/browser/src/sessionid.ts uses it for both): 48-bit unix ms, version 7, variant 0b10,
// 74 random bits. The bits come from a seeded stream so the same seed gives the same ids.
// Event uuids are different: they carry run, worker and seq (event-uuid.ts).

import type { Random } from './prng.js';

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/** A UUIDv7 for `unixMs` whose random bits are three draws from `random`. */
export function randomUuidv7(unixMs: number, random: Random): string {
  const ms = hex(Math.max(0, Math.floor(unixMs)), 12);
  const a = random.nextUint32();
  const b = random.nextUint32();
  const c = random.nextUint32();
  // rand_a: 12 bits; rand_b: 62 bits (variant 0b10 in front).
  const randA = hex(a >>> 20, 3);
  const variant = hex(0x8000 | (a & 0x3fff), 4);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${randA}-${variant}-${hex(b, 8)}${hex(c >>> 16, 4)}`;
}
