// posthog-js's $insert_id: 16 base-36 characters per event (two Math.random() draws printed in
// base 36). Number#toString(36) is slow on doubles, so the id is four 4-character pieces looked
// up in a table of 65,536 base-36 words: 64 random bits per id, far past any run's event count.

import type { Random } from './prng.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** 65,536 distinct 4-character base-36 words, spread over the whole space of 36^4. */
const WORDS: readonly string[] = Array.from({ length: 65536 }, (_, i) => {
  // i × an odd step modulo 36^4 (1,679,616) hits distinct words spread over all first letters.
  let n = (i * 25_639) % 1_679_616;
  let word = '';
  for (let k = 0; k < 4; k++) {
    word = ALPHABET[n % 36]! + word;
    n = Math.floor(n / 36);
  }
  return word;
});

export function insertId(random: Random): string {
  const a = random.nextUint32();
  const b = random.nextUint32();
  return WORDS[a >>> 16]! + WORDS[a & 0xffff]! + WORDS[b >>> 16]! + WORDS[b & 0xffff]!;
}
