// The generator's only source of randomness: sfc32, a small fast PRNG with 128 bits of state that
// passes PractRand, so the same seed gives the same event sequence on every machine and Node
// version (Math.random cannot be seeded, and faker is far too slow to call per event).

/** Mixes numbers into one well-spread 32-bit seed (murmur3's finaliser over each part). */
export function hashSeed(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Seeds may exceed 32 bits (YAML numbers): fold both halves in so none are lost.
    const lo = part >>> 0;
    const hi = Math.floor(part / 2 ** 32) >>> 0;
    h = fmix32(h ^ lo);
    h = fmix32(h ^ hi);
  }
  return h >>> 0;
}

/** FNV-1a of a string, for seeding by name (a behaviour's property) rather than by position. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Anything that draws uniform numbers: the sequential PRNG or an event's keyed stream. */
export interface Random {
  nextUint32(): number;
  nextFloat(): number;
  nextInt(n: number): number;
}

export class Prng implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = hashSeed(seed, 1);
    this.b = hashSeed(seed, 2);
    this.c = hashSeed(seed, 3);
    this.d = 1;
    // The first outputs of sfc32 still show the seed's structure; the reference code discards 12.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n) for n ≤ 2^32. */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}

/**
 * Draws keyed by an event's seq (splitmix32 over hashSeed(seed, key)): an event's property values
 * depend only on (seed, seq), so events skipped without rendering (dropped, never sent) leave
 * every later event exactly as it would have been.
 */
export class KeyedRandom implements Random {
  private state = 0;

  constructor(private readonly seed: number) {}

  reset(key: number): void {
    this.state = hashSeed(this.seed, key);
  }

  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return fmix32(this.state);
  }

  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}
