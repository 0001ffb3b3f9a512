// Is the lag growing across a step? The trend of visible latency against intended send time,
// fitted by least squares over the step's measured events, times the step's duration: the lag the
// step added from its first event to its last. A target keeping up shows about 0 (its latency is
// flat); a target offered 1.2× what it can process falls behind by 0.2 s every second, so a 3 s
// step shows 600 ms. The fit uses every event, not two quarters' medians, so a backlog that a
// short step and a drain would hide (all of it visible within the bound, p99 under it) still shows
// in full, and poll quantisation (each event's latency rounded up to the next poll) averages out.
//
// Acknowledged events still unseen when observation ended count with (end − intended), a lower
// bound on their latency, while they are few (1 %): a tail that never cleared is not left out.
//
// Counts observation keeps no per-event times: trendLagGrowth() takes the same trend from the
// report's per-second visible p50 (latency by intended second). Coarser, but a step at twice the
// target's capacity still shows a lag growing by the step's length.

import { EventStatus, type Ledger } from '../load/ledger.js';
import type { LagTrend } from '../measure/lag-trend.js';

export interface StepWindow {
  /** Intended time of the first measured event (after the warm-up), epoch ms. */
  readonly startMs: number;
  readonly durationMs: number;
  /** When observation ended: an unseen event's latency is at least this minus its intended time. */
  readonly observedUntilMs: number;
}

/** Fewer events than this say nothing about a trend. */
const MIN_EVENTS = 20;
/** Unseen events counted with their lower bound, at most this share of the step's events. */
const UNSEEN_SHARE = 0.01;

export function lagGrowth(ledger: Ledger, window: StepWindow): number | null {
  const all = new TrendFit();
  const seen = new TrendFit();
  const endMs = window.startMs + window.durationMs;
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq++) {
      if (shard.status[seq] !== EventStatus.acknowledged || !shard.isMeasured(seq)) continue;
      const intended = shard.intendedAt(seq);
      if (intended < window.startMs || intended >= endMs) continue;
      const visible = shard.visibleAt(seq);
      const x = intended - window.startMs;
      if (Number.isNaN(visible)) {
        all.add(x, window.observedUntilMs - intended);
      } else {
        all.add(x, visible - intended);
        seen.add(x, visible - intended);
      }
    }
  }
  // Many unseen events' lower bounds fall with intended time (end − intended) and would bend
  // the trend down: past UNSEEN_SHARE the trend is that of the events seen (in a backlog the
  // earliest, whose lag rises), and the step fails on its unseen events anyway.
  const fit = all.count - seen.count > UNSEEN_SHARE * all.count ? seen : all;
  return fit.count < MIN_EVENTS ? null : fit.growthAcross(window.durationMs);
}

/**
 * The same trend from a report's lag trend (the least-squares slope of the per-second visible
 * p50 over the step's steady phase, measure/lag-trend.ts), times the step's duration. Null with
 * fewer than three seconds in the fit.
 */
export function trendLagGrowth(trend: LagTrend, durationMs: number): number | null {
  return trend.p50MsPerMinute === null || trend.points < 3
    ? null
    : (trend.p50MsPerMinute * durationMs) / 60_000;
}

/** Weighted least-squares slope of y on x, kept as running sums. */
class TrendFit {
  private w = 0;
  private x = 0;
  private y = 0;
  private xx = 0;
  private xy = 0;
  count = 0;

  add(x: number, y: number, weight = 1): void {
    this.w += weight;
    this.x += weight * x;
    this.y += weight * y;
    this.xx += weight * x * x;
    this.xy += weight * x * y;
    this.count += weight;
  }

  /** The fitted line's rise over `span` (0 when every x is the same). */
  growthAcross(span: number): number {
    const varX = this.xx - (this.x * this.x) / this.w;
    if (varX <= 0) return 0;
    const slope = (this.xy - (this.x * this.y) / this.w) / varX;
    return slope * span;
  }
}
