// The timeline and lag trend of a merged (sharded) run. Counts per second and class are the exact
// sums of the shards'. The per-second visible percentiles are not: a report keeps each second's
// p50/p99 but not the histogram behind it, and percentiles of several shards cannot be added. So a
// merged second carries a shard's percentiles only when that shard alone had latencies in it
// (then they are exact); when several shards did, they are null and `latencyCount` still says how
// many latencies the second had. The lag trend, a fit of those per-second p50s, is therefore not
// recomputed when more than one shard is present: its figures are null (direction null, 0 points)
// and the shards' own trends are listed in the merged report's notes.

import type { LagTrend, LagTrends } from '../measure/lag-trend.js';
import type { TimelineClassSecond, TimelineSecond } from '../measure/lag-timeline.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';

/** Seconds since each shard's own start, summed second by second. */
export function mergeTimelines(parts: readonly (readonly TimelineSecond[])[]): TimelineSecond[] {
  const bySecond: TimelineSecond[][] = [];
  for (const part of parts) {
    for (const s of part) (bySecond[s.second] ??= []).push(s);
  }
  const out: TimelineSecond[] = [];
  for (let second = 0; second < bySecond.length; second++) {
    const seconds = bySecond[second] ?? [];
    const classOf = (cls: EventClass): TimelineClassSecond => {
      const own = seconds.map((s) => s.classes[cls]);
      const measured = own.filter((c) => c.latencyCount > 0);
      const only = measured.length === 1 ? measured[0]! : null;
      return {
        sent: sum(own.map((c) => c.sent)),
        acknowledged: sum(own.map((c) => c.acknowledged)),
        visible: sum(own.map((c) => c.visible)),
        visibleP50: only ? only.visibleP50 : null,
        visibleP99: only ? only.visibleP99 : null,
        latencyCount: sum(own.map((c) => c.latencyCount)),
      };
    };
    out.push({
      second,
      sent: sum(seconds.map((s) => s.sent)),
      acknowledged: sum(seconds.map((s) => s.acknowledged)),
      visible: sum(seconds.map((s) => s.visible)),
      errors: sum(seconds.map((s) => s.errors)),
      classes: Object.fromEntries(EVENT_CLASSES.map((c) => [c, classOf(c)])) as Record<
        EventClass,
        TimelineClassSecond
      >,
    });
  }
  return out;
}

const NO_TREND: LagTrend = { p50MsPerMinute: null, p50ChangeMs: null, points: 0, direction: null };

/**
 * One shard: its trend as it is (its timeline is the merged one). Several: no fit (see above),
 * the window of the first shard (every shard ran the same phases), the coarsest resolution.
 */
export function mergeLagTrends(parts: readonly LagTrends[]): LagTrends {
  const first = parts[0];
  if (first === undefined) throw new Error('mergeLagTrends needs at least one part');
  if (parts.length === 1) return first;
  return {
    window: first.window,
    fromSecond: first.fromSecond,
    toSecond: first.toSecond,
    resolutionMs: Math.max(...parts.map((p) => p.resolutionMs)),
    classes: Object.fromEntries(EVENT_CLASSES.map((c) => [c, NO_TREND])) as Record<EventClass, LagTrend>,
  };
}

/** A shard's trend in words, for the merged report's notes. */
export function describeLagTrend(trends: LagTrends): string {
  return EVENT_CLASSES.map((c) => {
    const t = trends.classes[c];
    if (t.direction === null) return `${c} no trend (${t.points} points)`;
    const change = t.p50ChangeMs ?? 0;
    return `${c} ${t.direction} (p50 ${change >= 0 ? '+' : ''}${change} ms over ${t.points} s)`;
  }).join(', ');
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
