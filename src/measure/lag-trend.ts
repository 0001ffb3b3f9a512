// Did lag grow during the run? The least-squares slope of the per-second visible p50 against time,
// over the steady phase(s) only: warmup and ramps change the rate and would read as a trend. The
// slope is of a percentile of poll-resolution figures, so the trend is also said as the change it
// implies over the window and compared with the resolution: a change smaller than one poll
// interval is within the measurement's noise and is called flat.

import type { RatePhase } from '../scenario/scenario.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import type { TimelineSecond } from './lag-timeline.js';

export interface LagTrend {
  /** Least-squares slope of the per-second visible p50, ms per minute; null with < 2 points. */
  readonly p50MsPerMinute: number | null;
  /** The slope times the window: how much p50 moved over it, ms; null with < 2 points. */
  readonly p50ChangeMs: number | null;
  /** Seconds that had a p50 and took part in the fit. */
  readonly points: number;
  /** 'grew' | 'shrank' when the change exceeds the resolution, else 'flat'; null without a fit. */
  readonly direction: 'grew' | 'shrank' | 'flat' | null;
}

export interface LagTrends {
  /** Which phases the window covers: the steady ones, or all measured ones when none is steady. */
  readonly window: 'steady' | 'measured';
  /** Seconds since the plan's start, [from, to). */
  readonly fromSecond: number;
  readonly toSecond: number;
  readonly resolutionMs: number;
  readonly classes: Readonly<Record<EventClass, LagTrend>>;
}

/** The seconds [from, to) of the steady phases (else the measured ones), as whole seconds. */
export function trendWindows(phases: readonly RatePhase[]): {
  window: 'steady' | 'measured';
  ranges: [number, number][];
} {
  const steady = phases.some((p) => p.kind === 'steady');
  const ranges: [number, number][] = [];
  let startMs = 0;
  for (const phase of phases) {
    const endMs = startMs + phase.durationMs;
    if (steady ? phase.kind === 'steady' : phase.measured)
      ranges.push([Math.ceil(startMs / 1000), Math.floor(endMs / 1000)]);
    startMs = endMs;
  }
  return { window: steady ? 'steady' : 'measured', ranges };
}

export function lagTrend(
  timeline: readonly TimelineSecond[],
  phases: readonly RatePhase[],
  resolutionMs: number,
): LagTrends {
  const { window, ranges } = trendWindows(phases);
  const inWindow = (second: number): boolean => ranges.some(([from, to]) => second >= from && second < to);
  const fromSecond = ranges.length > 0 ? Math.min(...ranges.map((r) => r[0])) : 0;
  const toSecond = ranges.length > 0 ? Math.max(...ranges.map((r) => r[1])) : 0;
  const trendOf = (cls: EventClass): LagTrend => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const point of timeline) {
      const p50 = point.classes[cls].visibleP50;
      if (p50 === null || !inWindow(point.second)) continue;
      xs.push(point.second + 0.5);
      ys.push(p50);
    }
    const perSecond = leastSquaresSlope(xs, ys);
    if (perSecond === null)
      return { p50MsPerMinute: null, p50ChangeMs: null, points: xs.length, direction: null };
    const changeMs = perSecond * (xs[xs.length - 1]! - xs[0]!);
    return {
      p50MsPerMinute: round3(perSecond * 60),
      p50ChangeMs: round3(changeMs),
      points: xs.length,
      direction: Math.abs(changeMs) <= resolutionMs ? 'flat' : changeMs > 0 ? 'grew' : 'shrank',
    };
  };
  return {
    window,
    fromSecond,
    toSecond,
    resolutionMs,
    classes: Object.fromEntries(EVENT_CLASSES.map((c) => [c, trendOf(c)])) as Record<EventClass, LagTrend>,
  };
}

/**
 * Ordinary least squares of y on x, fed one point at a time: running means and co-moments
 * (Welford's update, which stays exact where raw sums of squares would cancel), so a fit over
 * millions of events (a capacity step's, capacity/lag-growth.ts) holds four numbers.
 */
export class LeastSquares {
  count = 0;
  #meanX = 0;
  #meanY = 0;
  #sxx = 0;
  #sxy = 0;

  add(x: number, y: number): void {
    this.count++;
    const dx = x - this.#meanX;
    this.#meanX += dx / this.count;
    this.#meanY += (y - this.#meanY) / this.count;
    this.#sxx += dx * (x - this.#meanX);
    this.#sxy += dx * (y - this.#meanY);
  }

  /** The slope; null with fewer than two distinct x. */
  slope(): number | null {
    return this.count < 2 || this.#sxx <= 0 ? null : this.#sxy / this.#sxx;
  }
}

/** Ordinary least squares slope of y on x; null with fewer than two distinct x. */
export function leastSquaresSlope(xs: readonly number[], ys: readonly number[]): number | null {
  const fit = new LeastSquares();
  for (let i = 0; i < xs.length; i++) fit.add(xs[i]!, ys[i]!);
  return fit.slope();
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
