// UUIDv7 with random bits, as posthog-js's uuidv7() makes `$session_id` and `$window_id`
// (packages/browser/src/sessionid.ts uses it for both): 48-bit unix ms, version 7, variant 0b10,
// 74 random bits. The bits come from a seeded stream so the same seed gives the same ids.
// Event uuids are different: they carry run, worker and seq (event-uuid.ts).
//
// The text is written into a buffer and decoded once: a flat string. Built by concatenation it
// would be a rope, and a rope kept for a whole session and appended to every event of it cost
// the generator 2 KB of heap per open visit and a third of its speed (npm run bench -- sessions).

import type { Random } from './prng.js';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const out = Buffer.alloc(36);
/** Where each of the 32 hex digits goes (the dashes sit at 8, 13, 18 and 23). */
const SLOT = Array.from({ length: 36 }, (_, i) => i).filter(
  (i) => i !== 8 && i !== 13 && i !== 18 && i !== 23,
);
out[8] = out[13] = out[18] = out[23] = 0x2d;

/** Writes `count` hex digits of `value` (low bits last) from digit `first` on. */
function put(first: number, count: number, value: number): void {
  let v = value;
  for (let i = first + count - 1; i >= first; i--) {
    out[SLOT[i]!] = HEX[v & 0xf]!;
    v = Math.floor(v / 16);
  }
}

/** A UUIDv7 for `unixMs` whose random bits are three draws from `random`. */
export function randomUuidv7(unixMs: number, random: Random): string {
  const a = random.nextUint32();
  const b = random.nextUint32();
  const c = random.nextUint32();
  put(0, 12, Math.max(0, Math.floor(unixMs)) % 2 ** 48);
  put(12, 1, 7);
  // rand_a: 12 bits; rand_b: 62 bits, behind the variant 0b10.
  put(13, 3, a >>> 20);
  put(16, 4, 0x8000 | (a & 0x3fff));
  put(20, 8, b);
  put(28, 4, c >>> 16);
  return out.toString('latin1');
}
