// The run second by second, per event class: how many events were sent, acknowledged and first
// seen, and the visible latency (p50, p99) of the events intended in that second, so a report
// shows whether time-to-queryable grew during the run rather than only its overall percentiles.
//
// Latency is bucketed by intended send time (the cohort sent in a second, however late it was
// seen), counts by the time each thing happened. timelineSecond() is the pure core: it takes a
// second's counts and latency histograms, whatever produced them; ledgerTimeline() feeds it from
// the exact ledger, and a mode that keeps per-bucket histograms instead can feed it the same way.

import type { Histogram } from 'hdr-histogram-js';
import { CLASS_CODE, EventStatus, type Ledger } from '../load/ledger.js';
import type { TimelinePoint } from '../load/load-tally.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import { latencyHistogram, recordLatency } from '../core/latency-histogram.js';
import { toMs } from './latency-summary.js';
import { SkewTally } from '../core/skew-tally.js';

export interface TimelineClassSecond {
  /** Events of the class sent, by intended send time (the ledger keeps no actual send time). */
  readonly sent: number;
  /** Acknowledged, by ack time. */
  readonly acknowledged: number;
  /** Acknowledged events first seen by the poller, by first-seen time. */
  readonly visible: number;
  /** Visible latency (ms) of the measured events intended in this second; null when none was seen. */
  readonly visibleP50: number | null;
  readonly visibleP99: number | null;
  /** How many latencies the percentiles are of. */
  readonly latencyCount: number;
}

export interface TimelineSecond {
  /** Whole seconds since the plan's start (event 0's intended time). */
  readonly second: number;
  /** All classes: events handed to HTTP in that second (by actual send time). */
  readonly sent: number;
  readonly acknowledged: number;
  readonly visible: number;
  /** Error answers and network errors (each attempt counts). */
  readonly errors: number;
  readonly classes: Readonly<Record<EventClass, TimelineClassSecond>>;
}

/** One class in one second: counts, and the latencies of its events intended then (or null). */
export interface ClassSecondInput {
  readonly sent: number;
  readonly acknowledged: number;
  readonly visible: number;
  readonly latency: Histogram | null;
}

/** All classes in one second, as the load side counts them. */
export interface SecondTotals {
  readonly sent: number;
  readonly acknowledged: number;
  readonly visible: number;
  readonly errors: number;
}

export function timelineSecond(
  second: number,
  totals: SecondTotals,
  classes: Readonly<Record<EventClass, ClassSecondInput>>,
): TimelineSecond {
  const classSecond = (input: ClassSecondInput): TimelineClassSecond => {
    const count = input.latency?.totalCount ?? 0;
    return {
      sent: input.sent,
      acknowledged: input.acknowledged,
      visible: input.visible,
      visibleP50: count > 0 ? toMs(input.latency!.getValueAtPercentile(50)) : null,
      visibleP99: count > 0 ? toMs(input.latency!.getValueAtPercentile(99)) : null,
      latencyCount: count,
    };
  };
  return {
    second,
    sent: totals.sent,
    acknowledged: totals.acknowledged,
    visible: totals.visible,
    errors: totals.errors,
    classes: { anonymous: classSecond(classes.anonymous), identified: classSecond(classes.identified) },
  };
}

/**
 * One second of a timeline: all-class sent, acknowledged and errors from the load side's tally
 * (zeros for a second it has no point for), all-class visible the sum of the classes'.
 */
export function loadTimelineSecond(
  second: number,
  point: TimelinePoint | undefined,
  classes: Readonly<Record<EventClass, ClassSecondInput>>,
): TimelineSecond {
  return timelineSecond(
    second,
    {
      sent: point?.sent ?? 0,
      acknowledged: point?.acknowledged ?? 0,
      visible: classes.anonymous.visible + classes.identified.visible,
      errors: point?.errors ?? 0,
    },
    classes,
  );
}

/**
 * The exact-mode timeline: per-class counts and per-second latencies from the ledger after the
 * drain, all-class sent/acknowledged/errors from the load side's per-second tally. Memory is two
 * histograms reused second after second, not one per second: a day-long run costs no more.
 * Relies on each shard's intended times rising with seq (schedule.ts plans them so).
 */
export function ledgerTimeline(
  ledger: Ledger,
  originMs: number,
  load: readonly TimelinePoint[],
): TimelineSecond[] {
  const secondOf = (ms: number): number => Math.max(0, Math.floor((ms - originMs) / 1000));
  const counts = EVENT_CLASSES.map(() => ({
    sent: [] as number[],
    acknowledged: [] as number[],
    visible: [] as number[],
  }));
  const bump = (series: number[], second: number): void => {
    while (series.length <= second) series.push(0);
    series[second]! += 1;
  };
  let lastIntendedSecond = -1;
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq++) {
      const status = shard.status[seq]!;
      if (status === EventStatus.planned || status === EventStatus.dropped) continue;
      const into = counts[CLASS_CODE[shard.classOf(seq)]]!;
      const intendedSecond = secondOf(shard.intendedAt(seq));
      lastIntendedSecond = Math.max(lastIntendedSecond, intendedSecond);
      bump(into.sent, intendedSecond);
      if (status !== EventStatus.acknowledged) continue;
      bump(into.acknowledged, secondOf(shard.ackAt(seq)));
      const visible = shard.visibleAt(seq);
      if (!Number.isNaN(visible)) bump(into.visible, secondOf(visible));
    }
  }
  const length = Math.max(
    load.length,
    ...counts.flatMap((c) => [c.sent.length, c.acknowledged.length, c.visible.length]),
    0,
  );
  const loadBySecond = new Map(load.map((p) => [p.second, p]));
  const latency = [latencyHistogram(), latencyHistogram()] as const;
  // Negative latencies are clock skew: visibleLatency() counts them; here they only stay out.
  const skew = new SkewTally();
  const cursors = ledger.shards.map(() => 0);
  const out: TimelineSecond[] = [];
  for (let second = 0; second < length; second++) {
    latency[0].reset();
    latency[1].reset();
    if (second <= lastIntendedSecond) {
      ledger.shards.forEach((shard, index) => {
        let seq = cursors[index]!;
        for (; seq < shard.capacity; seq++) {
          const intended = shard.intendedAt(seq);
          if (!Number.isNaN(intended) && secondOf(intended) > second) break;
          const visibleLatency = shard.visibleLatencyMs(seq);
          if (
            Number.isNaN(intended) ||
            Number.isNaN(visibleLatency) ||
            shard.status[seq] !== EventStatus.acknowledged ||
            !shard.isMeasured(seq)
          )
            continue;
          recordLatency(latency[CLASS_CODE[shard.classOf(seq)]]!, skew, visibleLatency);
        }
        cursors[index] = seq;
      });
    }
    const classInput = (code: 0 | 1): ClassSecondInput => ({
      sent: counts[code]!.sent[second] ?? 0,
      acknowledged: counts[code]!.acknowledged[second] ?? 0,
      visible: counts[code]!.visible[second] ?? 0,
      latency: latency[code],
    });
    out.push(
      loadTimelineSecond(second, loadBySecond.get(second), {
        anonymous: classInput(0),
        identified: classInput(1),
      }),
    );
  }
  return out;
}
