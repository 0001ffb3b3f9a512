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
// A target that makes events visible in large batches (commit every few thousand events) breaks
// the trend: within a batch the later-intended events wait less, so the latencies of a backlog can
// look flat. spanGrowth() measures throughput instead, from counts alone, whatever the order: how
// much longer the step's events took to become visible (5th to 95th percentile of visible times)
// than they took to be sent (the same percentiles of intended times). A target keeping up shows
// the same span; one offered ρ× what it processes shows (ρ − 1) × the span. The step's figure is
// the larger of the two, each scaled to the step's length.
//
// Counts observation keeps no per-event times: the trend comes from the report's per-second
// visible p50 (latency by intended second, trendLagGrowth) and the span from its per-second
// counts, sent by intended second and visible by first-seen second (timelineSpanGrowth).

import { EventStatus, type Ledger } from '../load/ledger.js';
import type { TimelineSecond } from '../measure/lag-timeline.js';
import { LeastSquares, type LagTrend } from '../measure/lag-trend.js';
import type { EventClass } from '../core/event-class.js';

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
  const all = new LeastSquares();
  const seen = new LeastSquares();
  const endMs = window.startMs + window.durationMs;
  let size = 0;
  for (const shard of ledger.shards) size += shard.capacity;
  const intendedAt = new Float64Array(size);
  const visibleAt = new Float64Array(size);
  let count = 0;
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
      intendedAt[count] = intended;
      visibleAt[count++] = Number.isNaN(visible) ? Infinity : visible;
    }
  }
  // Many unseen events' lower bounds fall with intended time (end − intended) and would bend
  // the trend down: past UNSEEN_SHARE the trend is that of the events seen (in a backlog the
  // earliest, whose lag rises), and the step fails on its unseen events anyway.
  const fit = all.count - seen.count > UNSEEN_SHARE * all.count ? seen : all;
  if (fit.count < MIN_EVENTS) return null;
  const span = spanGrowth(intendedAt, visibleAt, count, window);
  // The fitted line's rise over the step (0 when every x is the same).
  return Math.max((fit.slope() ?? 0) * window.durationMs, span ?? -Infinity);
}

/** Share of events left out at each end of the span (stragglers, the first commit). */
const SPAN_TAIL = 0.05;

/**
 * The throughput view: (visible span − intended span) of the middle 90 % of the events, scaled
 * to the step's length. Unseen events count as visible at the end of observation (a lower bound).
 */
function spanGrowth(
  intended: Float64Array,
  visible: Float64Array,
  count: number,
  window: StepWindow,
): number | null {
  if (count < MIN_EVENTS) return null;
  const sent = intended.subarray(0, count).sort();
  const seen = visible.subarray(0, count).sort();
  const lo = Math.floor(SPAN_TAIL * (count - 1));
  const hi = Math.ceil((1 - SPAN_TAIL) * (count - 1));
  const sentSpan = sent[hi]! - sent[lo]!;
  if (!(sentSpan > 0)) return null;
  const at = (i: number): number => Math.min(seen[i]!, window.observedUntilMs);
  return ((at(hi) - at(lo) - sentSpan) * window.durationMs) / sentSpan;
}

/**
 * The span from a report's per-second timeline, over the whole step (counts by first-seen time
 * cannot be told apart by intended time, so the warm-up's events are in): the times at which 5 %
 * and 95 % of the class's acknowledged events had been sent (by intended second) and had become
 * visible (by first-seen second), each interpolated within its second. Scaled to `durationMs`.
 * Null with fewer than MIN_EVENTS or when the timeline has no seconds.
 */
export function timelineSpanGrowth(
  timeline: readonly TimelineSecond[],
  eventClass: EventClass,
  durationMs: number,
  /** Seconds since the plan's start when observation ended (unseen events: visible by then). */
  observedUntilSecond: number,
): number | null {
  let acknowledged = 0;
  let sentTotal = 0;
  for (const s of timeline) {
    acknowledged += s.classes[eventClass].acknowledged;
    sentTotal += s.classes[eventClass].sent;
  }
  if (acknowledged < MIN_EVENTS || sentTotal === 0) return null;
  // When the running count (times `scale`) reached `target`, seconds since the plan's start.
  const reached = (field: 'sent' | 'visible', scale: number, target: number): number | null => {
    let before = 0;
    for (const s of timeline) {
      const n = s.classes[eventClass][field] * scale;
      if (n > 0 && before + n >= target) return s.second + (target - before) / n;
      before += n;
    }
    return null;
  };
  const lo = SPAN_TAIL * acknowledged;
  const hi = (1 - SPAN_TAIL) * acknowledged;
  const scale = acknowledged / sentTotal;
  const sentLo = reached('sent', scale, lo);
  const sentHi = reached('sent', scale, hi);
  if (sentLo === null || sentHi === null || !(sentHi > sentLo)) return null;
  const visibleLo = reached('visible', 1, lo) ?? observedUntilSecond;
  const visibleHi = reached('visible', 1, hi) ?? observedUntilSecond;
  return ((visibleHi - visibleLo - (sentHi - sentLo)) / (sentHi - sentLo)) * durationMs;
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
