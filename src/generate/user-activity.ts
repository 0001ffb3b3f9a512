// How often each user sends: `population.activity`. Uniform gives every user the same chance;
// zipf gives the user of population rank r (user number r − 1) a weight of r^-s, so a few users
// send most events (PostHog partitions by distinct id, so hot users make hot partitions).
//
// Each worker draws among its own users (u ≡ lane mod lanes, user-population.ts), so it draws
// its k-th user, population rank k·lanes + lane + 1, with weight (k + c)^-s, c = (lane + 1)/lanes:
// the population's law restricted to the worker, and the same people hot however many workers
// send (only each worker's total is fixed, to its share of the rate). Draws: the first ranks from
// a table (inversion), the long tail by rejection-inversion (Hörmann and Derflinger,
// "Rejection-inversion to generate variates from monotone discrete distributions", 1996) on
// r^-s, thinned to (k + c)^-s: O(1) per draw and no table the size of the population.

import type { Activity } from '../scenario/scenario.js';
import type { Random } from './prng.js';

/** Ranks drawn from a table; beyond it the tail's thinning accepts ≥ 99.9 % of proposals. */
const HEAD_RANKS = 4096;

/** Draws a rank in [0, n): uniformly, or by the zipf law (rank 0 the most active). */
export interface RankSampler {
  readonly size: number;
  next(random: Random): number;
}

/** `shift`: c = (lane + 1)/lanes of the worker whose users are ranked (1 for a single pool). */
export function rankSampler(activity: Activity, size: number, shift = 1): RankSampler {
  if (activity.kind === 'uniform' || size <= 1) return { size, next: (random) => random.nextInt(size) };
  return new ZipfSampler(size, activity.exponent, shift);
}

class ZipfSampler implements RankSampler {
  private readonly headCdf: Float64Array;
  private readonly total: number;
  private readonly tail: ZipfTail | null;

  constructor(
    readonly size: number,
    s: number,
    shift: number,
  ) {
    const head = Math.min(size, HEAD_RANKS);
    this.headCdf = new Float64Array(head);
    let sum = 0;
    for (let k = 0; k < head; k++) this.headCdf[k] = sum += (k + shift) ** -s;
    this.total = sum + (size > head ? shiftedPowerSum(head, size - 1, shift, s) : 0);
    this.tail = size > head ? new ZipfTail(head, size, s, shift) : null;
  }

  next(random: Random): number {
    const target = random.nextFloat() * this.total;
    const cdf = this.headCdf;
    if (this.tail === null || target < cdf[cdf.length - 1]!) {
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid]! > target) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
    return this.tail.next(random);
  }
}

/** k in [from, n) with weight (k + c)^-s: proposals r = k + 1 from r^-s by rejection-inversion. */
class ZipfTail {
  private readonly low: number;
  private readonly high: number;
  /** The thinning's bound: ((k + c)/(k + 1))^-s is largest at k = from. */
  private readonly bound: number;

  constructor(
    from: number,
    private readonly n: number,
    private readonly s: number,
    private readonly shift: number,
  ) {
    const first = from + 1;
    this.low = this.hIntegral(first + 0.5) - this.h(first);
    this.high = this.hIntegral(n + 0.5);
    this.bound = ((from + shift) / (from + 1)) ** -s;
  }

  next(random: Random): number {
    for (;;) {
      const u = this.high + random.nextFloat() * (this.low - this.high);
      const x = this.hIntegralInverse(u);
      const r = Math.min(this.n, Math.max(1, Math.floor(x + 0.5)));
      if (u < this.hIntegral(r + 0.5) - this.h(r)) continue;
      const k = r - 1;
      if (this.shift === 1 || random.nextFloat() * this.bound < ((k + this.shift) / r) ** -this.s) return k;
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

/**
 * Σₖ₌ₐᵇ (k + c)^-s for whole a ≤ b and c > 0: exact for 10,000 terms, then Euler–Maclaurin
 * (two correction terms; relative error far below 1e-9 that far out).
 */
export function shiftedPowerSum(a: number, b: number, c: number, s: number): number {
  if (b < a) return 0;
  const exactEnd = Math.min(b, a + 9_999);
  let sum = 0;
  for (let k = exactEnd; k >= a; k--) sum += (k + c) ** -s;
  if (exactEnd === b) return sum;
  // The rest is Σ x^-s for x = lo + 1, …, hi.
  const lo = exactEnd + c;
  const hi = b + c;
  const integral = s === 1 ? Math.log(hi / lo) : (hi ** (1 - s) - lo ** (1 - s)) / (1 - s);
  return sum + integral + (hi ** -s - lo ** -s) / 2 + (s / 12) * (lo ** (-s - 1) - hi ** (-s - 1));
}

/** Σₖ₌₁ⁿ k^-s. */
export function generalizedHarmonic(n: number, s: number): number {
  return shiftedPowerSum(0, n - 1, 1, s);
}

/** One pool of users drawn from with its own sampler: `share` of the events, `size` users. */
export interface ActivityPool {
  readonly share: number;
  readonly size: number;
  /** The sampler's shift c (1 for a single pool). */
  readonly shift: number;
}

/**
 * Expected share of events sent by the `top` most active users, when each pool's events go to
 * its users by `activity` (workers, and classes under anonymous_share, are separate pools):
 * the sum of the `top` largest weights share·(k + c)^-s / Z over all pools, found by bisection
 * on the weight threshold.
 */
export function predictedTopShare(activity: Activity, pools: readonly ActivityPool[], top: number): number {
  const live = pools.filter((p) => p.size > 0 && p.share > 0);
  const users = live.reduce((sum, p) => sum + p.size, 0);
  if (top >= users) return 1;
  if (top <= 0) return 0;
  if (activity.kind === 'uniform') {
    // Equal weights within a pool: the top users come from the pools whose users weigh most.
    const order = live.map((p) => ({ size: p.size, w: p.share / p.size })).sort((x, y) => y.w - x.w);
    let left = top;
    let share = 0;
    for (const pool of order) {
      const take = Math.min(left, pool.size);
      share += take * pool.w;
      left -= take;
    }
    return share;
  }
  const s = activity.exponent;
  const norm = live.map((p) => p.share / shiftedPowerSum(0, p.size - 1, p.shift, s));
  // Users of a pool weighing at least τ: k + c ≤ (norm/τ)^(1/s).
  const countAbove = (tau: number): number[] =>
    live.map((p, i) => Math.max(0, Math.min(p.size, Math.floor((norm[i]! / tau) ** (1 / s) - p.shift) + 1)));
  let lo = 0;
  let hi = Math.max(...live.map((p, i) => norm[i]! * p.shift ** -s));
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    const n = countAbove(mid).reduce((a, b) => a + b, 0);
    if (n > top) lo = mid;
    else hi = mid;
  }
  const counts = countAbove(hi);
  const taken = counts.reduce((a, b) => a + b, 0);
  let share = counts.reduce((sum, c, i) => sum + norm[i]! * shiftedPowerSum(0, c - 1, live[i]!.shift, s), 0);
  // Ties at the threshold: the users still missing weigh about τ each.
  share += Math.max(0, top - taken) * hi;
  return Math.min(1, share);
}
