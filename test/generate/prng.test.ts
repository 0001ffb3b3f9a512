import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashSeed, hashString, KeyedRandom, Prng } from '../../src/generate/prng.js';

const draws = (prng: { nextUint32(): number }, n: number): number[] =>
  Array.from({ length: n }, () => prng.nextUint32());

describe('Prng (sfc32)', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    assert.deepEqual(draws(new Prng(42), 100), draws(new Prng(42), 100));
    const other = draws(new Prng(43), 100);
    const same = draws(new Prng(42), 100).filter((v, i) => v === other[i]).length;
    assert.ok(same < 3, `seeds 42 and 43 share ${same} of 100 draws`);
  });

  it('is spread evenly: floats in [0, 1) with mean ½, ints fill every bucket about equally', () => {
    const prng = new Prng(7);
    let sum = 0;
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const f = prng.nextFloat();
      assert.ok(f >= 0 && f < 1);
      sum += f;
      buckets[prng.nextInt(10)]!++;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
    for (const count of buckets) assert.ok(Math.abs(count - n / 10) < n / 100, `bucket ${count}`);
  });

  it('uses the high half of seeds beyond 32 bits', () => {
    assert.notEqual(hashSeed(2 ** 32 + 5), hashSeed(5));
    assert.notDeepEqual(draws(new Prng(2 ** 32 + 5), 4), draws(new Prng(5), 4));
  });
});

describe('KeyedRandom', () => {
  it('draws depend only on the key, not on what was drawn before', () => {
    const a = new KeyedRandom(9);
    const b = new KeyedRandom(9);
    a.reset(3);
    a.nextUint32();
    a.reset(17);
    b.reset(17);
    assert.deepEqual(draws(a, 5), draws(b, 5));
    b.reset(18);
    assert.notDeepEqual(draws(b, 5), (a.reset(17), draws(a, 5)));
  });
});

describe('hashString', () => {
  it('is FNV-1a (reference values)', () => {
    assert.equal(hashString(''), 0x811c9dc5);
    assert.equal(hashString('a'), 0xe40c292c);
  });
});
