// How often each user sends: `population.activity`. Uniform gives every user the same chance;
// zipf gives the user of rank r a weight of r^-s, so a few users send most events (PostHog
// partitions by distinct id, so hot users make hot partitions).
//
// Zipf is drawn by rejection-inversion (Hörmann and Derflinger, "Rejection-inversion to generate
// variates from monotone discrete distributions", 1996): O(1) per draw and no table, so a worker
// with millions of users pays neither memory nor set-up for it. Rank r is the worker's user r − 1.

import type { Activity } from '../scenario/scenario.js';
import type { Random } from './prng.js';

/** Draws a rank in [0, n): uniformly, or by a zipf law (rank 0 the most active). */
export interface RankSampler {
  readonly size: number;
  next(random: Random): number;
}

export function rankSampler(activity: Activity, size: number): RankSampler {
  if (activity.kind === 'uniform' || size <= 1) return { size, next: (random) => random.nextInt(size) };
  return new ZipfSampler(size, activity.exponent);
}

/** Zipf over ranks 1..n with exponent s > 0, by rejection-inversion; returns rank − 1. */
class ZipfSampler implements RankSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly squeeze: number;

  constructor(
    readonly size: number,
    private readonly s: number,
  ) {
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(size + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  next(random: Random): number {
    for (;;) {
      const u = this.hIntegralN + random.nextFloat() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.size) k = this.size;
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k - 1;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  /** ∫₁ˣ t^-s dt, in a form that stays exact as s → 1. */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.s) * logX) * logX;
  }

  private hIntegralInverse(y: number): number {
    let t = y * (1 - this.s);
    if (t < -1) t = -1; // rounding only: the exact value is ≥ −1
    return Math.exp(log1pOverX(t) * y);
  }
}

function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x / 2;
}

function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x / 2;
}

/** Σₖ₌₁ⁿ k^-s: exact up to 10,000 terms, then Euler–Maclaurin (error far below 1e-9 relative). */
export function generalizedHarmonic(n: number, s: number): number {
  const exact = Math.min(n, 10_000);
  let sum = 0;
  for (let k = exact; k >= 1; k--) sum += k ** -s;
  if (n <= exact) return sum;
  const a = exact;
  const integral = s === 1 ? Math.log(n / a) : (n ** (1 - s) - a ** (1 - s)) / (1 - s);
  return sum + integral + (n ** -s - a ** -s) / 2 + (s / 12) * (a ** (-s - 1) - n ** (-s - 1));
}

/** One pool of users drawn from with its own sampler: `share` of the events, `size` users. */
export interface ActivityPool {
  readonly share: number;
  readonly size: number;
}

/**
 * Expected share of events sent by the `top` most active users, when each pool's events go to
 * its users by `activity` (workers, and classes under anonymous_share, are separate pools).
 * Zipf: the sum of the `top` largest weights share·r^-s / H(n, s) over all pools, found by
 * bisection on the weight threshold.
 */
export function predictedTopShare(activity: Activity, pools: readonly ActivityPool[], top: number): number {
  const live = pools.filter((p) => p.size > 0 && p.share > 0);
  const users = live.reduce((sum, p) => sum + p.size, 0);
  if (top >= users) return 1;
  if (top <= 0) return 0;
  const s = activity.kind === 'zipf' ? activity.exponent : 0;
  const norm = live.map((p) => p.share / generalizedHarmonic(p.size, s));
  if (s === 0) {
    // Equal weights within a pool: the top users are taken from the pools with the largest weight.
    const order = live.map((p, i) => ({ size: p.size, w: norm[i]! })).sort((x, y) => y.w - x.w);
    let left = top;
    let share = 0;
    for (const pool of order) {
      const take = Math.min(left, pool.size);
      share += take * pool.w;
      left -= take;
    }
    return share;
  }
  // Users of a pool with weight ≥ τ: ranks r ≤ (w/τ)^(1/s).
  const countAbove = (tau: number): number[] =>
    live.map((p, i) => Math.min(p.size, Math.floor((norm[i]! / tau) ** (1 / s))));
  let lo = 0;
  let hi = Math.max(...norm);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    const n = countAbove(mid).reduce((a, b) => a + b, 0);
    if (n > top) lo = mid;
    else hi = mid;
  }
  const counts = countAbove(hi);
  const taken = counts.reduce((a, b) => a + b, 0);
  let share = counts.reduce((sum, c, i) => sum + norm[i]! * generalizedHarmonic(c, s), 0);
  // Ties at the threshold: the users still missing weigh about τ each.
  share += Math.max(0, top - taken) * hi;
  return Math.min(1, share);
}
