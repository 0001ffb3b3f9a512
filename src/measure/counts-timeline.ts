// The per-second lag timeline in counts observation, from per-bucket data instead of a ledger:
// the load side's per-class counts of each intended-time bucket, the latency upper bounds the
// counts observer recorded for each bucket, and the visible events it first counted each second.
// Each second goes through loadTimelineSecond(), the same core exact mode uses, so report.html's
// lag chart and the lag trend read counts runs the same way.
//
// What differs from exact mode, because no per-event times are kept: per-class `acknowledged`
// counts by the bucket's intended time, not by ack time; a bucket lands all its counts and
// latencies in the second that holds its middle (buckets are epoch-aligned, the run's seconds
// start at the plan's start, so a 1 s bucket straddles two seconds; the first second may take
// the bucket that began before the plan too); latencies are upper bounds (see counts-tracker.ts).

import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import type { TimelinePoint } from '../load/load-tally.js';
import { latencyHistogram } from '../core/latency-histogram.js';
import { loadTimelineSecond, type ClassSecondInput, type TimelineSecond } from './lag-timeline.js';

export interface CountsTimelineClass {
  /** Per bucket: events sent (answered in any way) and acknowledged. */
  readonly sent: readonly number[];
  readonly acknowledged: readonly number[];
  /** Per bucket: recorded latency upper bounds of measured events, flat [µs, count] pairs, or null. */
  readonly latencies: readonly (readonly number[] | null)[];
  /** Visible events first counted in each second since originMs. */
  readonly visiblePerSecond: readonly number[];
}

export interface CountsTimelineInput {
  /** The plan's start: second 0. */
  readonly originMs: number;
  readonly firstBucketStartMs: number;
  readonly bucketMs: number;
  readonly classes: Readonly<Record<EventClass, CountsTimelineClass>>;
}

export function countsTimeline(input: CountsTimelineInput, load: readonly TimelinePoint[]): TimelineSecond[] {
  const secondOfBucket = (index: number): number =>
    Math.max(
      0,
      Math.floor(
        (input.firstBucketStartMs + index * input.bucketMs + input.bucketMs / 2 - input.originMs) / 1000,
      ),
    );
  const buckets = Math.max(...EVENT_CLASSES.map((cls) => input.classes[cls].sent.length), 0);
  const lastBucketSecond = buckets > 0 ? secondOfBucket(buckets - 1) : -1;
  const length = Math.max(
    load.length,
    lastBucketSecond + 1,
    ...EVENT_CLASSES.map((cls) => input.classes[cls].visiblePerSecond.length),
  );
  const loadBySecond = new Map(load.map((p) => [p.second, p]));
  // Two histograms reused second after second, as in ledgerTimeline().
  const latency = { anonymous: latencyHistogram(), identified: latencyHistogram() };
  const out: TimelineSecond[] = [];
  let bucket = 0;
  for (let second = 0; second < length; second++) {
    const sums = {
      anonymous: { sent: 0, acknowledged: 0 },
      identified: { sent: 0, acknowledged: 0 },
    };
    latency.anonymous.reset();
    latency.identified.reset();
    for (; bucket < buckets && secondOfBucket(bucket) <= second; bucket++) {
      for (const cls of EVENT_CLASSES) {
        const c = input.classes[cls];
        sums[cls].sent += c.sent[bucket] ?? 0;
        sums[cls].acknowledged += c.acknowledged[bucket] ?? 0;
        const pairs = c.latencies[bucket];
        if (!pairs) continue;
        for (let k = 0; k + 1 < pairs.length; k += 2)
          latency[cls].recordValueWithCount(pairs[k]!, pairs[k + 1]!);
      }
    }
    const classInput = (cls: EventClass): ClassSecondInput => ({
      sent: sums[cls].sent,
      acknowledged: sums[cls].acknowledged,
      visible: input.classes[cls].visiblePerSecond[second] ?? 0,
      latency: latency[cls],
    });
    out.push(
      loadTimelineSecond(second, loadBySecond.get(second), {
        anonymous: classInput('anonymous'),
        identified: classInput('identified'),
      }),
    );
  }
  return out;
}
