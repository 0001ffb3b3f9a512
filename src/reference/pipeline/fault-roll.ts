// Seeded, reproducible fault decisions. Ingestion decisions are a hash of (seed, fault, uuid), not
// a stream of random numbers: a batch that is replayed after a crash (its transaction never
// committed) gets the same decisions, so what is counted as injected is what the store shows.

/** A number in [0, 1) fixed by the seed, the fault kind and the event's uuid. */
export function faultRoll(seed: number, kind: string, uuid: string): number {
  // FNV-1a over the kind and uuid, started from the seed, then a murmur3 finaliser for spread.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 0x01000193);
  for (let i = 0; i < uuid.length; i++) h = Math.imul(h ^ uuid.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** mulberry32: a small seeded PRNG for per-request decisions (capture's reject fault). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
