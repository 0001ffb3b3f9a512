import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Prng } from '../../src/generate/prng.js';
import {
  generalizedHarmonic,
  predictedTopShare,
  rankSampler,
  shiftedPowerSum,
} from '../../src/generate/user-activity.js';

/** The top `top` weights of all pools, summed by brute force. */
function bruteTopShare(
  pools: { share: number; size: number; shift: number }[],
  s: number,
  top: number,
): number {
  const weights = pools.flatMap((p) => {
    const h = Array.from({ length: p.size }, (_, k) => (k + p.shift) ** -s).reduce((a, b) => a + b, 0);
    return Array.from({ length: p.size }, (_, k) => (p.share * (k + p.shift) ** -s) / h);
  });
  return weights
    .sort((a, b) => b - a)
    .slice(0, top)
    .reduce((a, b) => a + b, 0);
}

describe('user activity', () => {
  it('generalizedHarmonic matches the sum beyond the exact part', () => {
    for (const s of [0.5, 1, 1.3]) {
      let sum = 0;
      for (let k = 1; k <= 60_000; k++) sum += k ** -s;
      assert.ok(Math.abs(generalizedHarmonic(60_000, s) / sum - 1) < 1e-10, `s=${s}`);
    }
  });

  it('shiftedPowerSum matches the brute-force sum', () => {
    for (const [a, b, c] of [
      [0, 30_000, 0.25],
      [4096, 50_000, 0.5],
      [3, 7, 1],
    ] as const) {
      let sum = 0;
      for (let k = a; k <= b; k++) sum += (k + c) ** -1.1;
      assert.ok(Math.abs(shiftedPowerSum(a, b, c, 1.1) / sum - 1) < 1e-10, `${a}..${b} + ${c}`);
    }
  });

  it('predictedTopShare is the sum of the largest weights over all pools', () => {
    const pools = [
      { share: 0.3, size: 300, shift: 1 },
      { share: 0.7, size: 517, shift: 1 },
    ];
    for (const s of [0.7, 1, 1.5]) {
      for (const top of [1, 8, 81]) {
        const predicted = predictedTopShare({ kind: 'zipf', exponent: s }, pools, top);
        assert.ok(Math.abs(predicted - bruteTopShare(pools, s, top)) < 1e-9, `s=${s} top=${top}`);
      }
    }
    const shifted = [
      { share: 0.5, size: 400, shift: 0.5 },
      { share: 0.5, size: 400, shift: 1 },
    ];
    for (const top of [1, 2, 9]) {
      const predicted = predictedTopShare({ kind: 'zipf', exponent: 1.1 }, shifted, top);
      assert.ok(Math.abs(predicted - bruteTopShare(shifted, 1.1, top)) < 1e-9, `shifted top=${top}`);
    }
    // Uniform: the top users come from the pool whose users weigh most.
    assert.ok(Math.abs(predictedTopShare({ kind: 'uniform' }, pools, 10) - (10 * 0.7) / 517) < 1e-12);
    assert.equal(predictedTopShare({ kind: 'uniform' }, [{ share: 1, size: 1000, shift: 1 }], 10), 0.01);
  });

  it('draws zipf ranks with the law’s frequencies (rejection-inversion)', () => {
    const n = 1000;
    const draws = 400_000;
    for (const s of [0.8, 1, 1.4]) {
      const sampler = rankSampler({ kind: 'zipf', exponent: s }, n);
      const random = new Prng(3);
      const counts = new Uint32Array(n);
      for (let i = 0; i < draws; i++) counts[sampler.next(random)]!++;
      const h = generalizedHarmonic(n, s);
      for (const r of [1, 2, 10, 100]) {
        const expected = (draws * r ** -s) / h;
        const got = counts[r - 1]!;
        // 5 standard deviations of a binomial count, and never below 2 % of it.
        const tolerance = Math.max(5 * Math.sqrt(expected), 0.02 * expected);
        assert.ok(Math.abs(got - expected) < tolerance, `s=${s} rank ${r}: ${got} vs ${expected.toFixed(0)}`);
      }
      const top10 = Array.from(counts.slice(0, 10)).reduce((a, b) => a + b, 0) / draws;
      const predicted = predictedTopShare(
        { kind: 'zipf', exponent: s },
        [{ share: 1, size: n, shift: 1 }],
        10,
      );
      assert.ok(Math.abs(top10 - predicted) < 0.01, `s=${s}: top 1% ${top10} vs ${predicted}`);
    }
  });

  it('draws a worker’s users by the population’s law: (k + c)^-s, in the head and the tail', () => {
    const n = 20_000;
    const c = 0.25; // lane 0 of 4
    const s = 1.05;
    const sampler = rankSampler({ kind: 'zipf', exponent: s }, n, c);
    const random = new Prng(9);
    const draws = 400_000;
    const buckets = [
      [0, 1],
      [1, 4],
      [4, 100],
      [100, 4096],
      [4096, 10_000],
      [10_000, n],
    ] as const;
    const counts = buckets.map(() => 0);
    for (let i = 0; i < draws; i++) {
      const k = sampler.next(random);
      assert.ok(k >= 0 && k < n);
      counts[buckets.findIndex(([lo, hi]) => k >= lo && k < hi)]!++;
    }
    const z = shiftedPowerSum(0, n - 1, c, s);
    buckets.forEach(([lo, hi], i) => {
      const expected = (draws * shiftedPowerSum(lo, hi - 1, c, s)) / z;
      const tolerance = Math.max(5 * Math.sqrt(expected), 0.01 * expected);
      assert.ok(
        Math.abs(counts[i]! - expected) < tolerance,
        `[${lo}, ${hi}): ${counts[i]} vs ${expected.toFixed(0)}`,
      );
    });
  });

  it('the prediction hardly moves with the worker count (each worker draws the population’s law)', () => {
    const law = { kind: 'zipf' as const, exponent: 1.1 };
    const split = (workers: number) =>
      Array.from({ length: workers }, (_, w) => ({
        share: 1 / workers,
        size: 10_000 / workers,
        shift: (w + 1) / workers,
      }));
    const one = predictedTopShare(law, split(1), 100);
    // What remains is each worker's fixed share of the rate: 64.8 % with one, 64.4 % with two,
    // 63.5 % with four (ranking each worker's users from 1 instead would give 60.6 % and 55.7 %).
    for (const [workers, within] of [
      [2, 0.01],
      [4, 0.02],
    ] as const) {
      const many = predictedTopShare(law, split(workers), 100);
      assert.ok(Math.abs(many - one) < within, `${workers} workers: ${many} vs ${one}`);
    }
  });

  it('uniform draws every rank alike and never leaves [0, n)', () => {
    const sampler = rankSampler({ kind: 'uniform' }, 7);
    const random = new Prng(5);
    const counts = new Uint32Array(7);
    for (let i = 0; i < 70_000; i++) counts[sampler.next(random)]!++;
    for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `${c}`);
  });
});
