// The pure core of counts observation: which intended-time buckets are still open (and so worth
// asking about), and what an answer's per-bucket counts mean. No I/O, no timers.
//
// A bucket is open while its events' outcomes are not all final on the load side, or while fewer
// of its acknowledged events are visible than were acknowledged. Open buckets that are recent are
// asked about every poll; an open bucket that ended `stragglerLagMs` before the newest bucket with
// visible events is probably short for good (lost events) and is asked about in rotation, a few
// per poll, so a run with losses does not re-read its whole history each poll.
//
// Latency. When a bucket's visible count rises between two polls, each newly visible event became
// queryable after the previous poll covering that bucket was sent and before this answer arrived,
// and was intended inside the bucket: its latency lies in [previous ask − bucket end, this answer
// − bucket start]. The upper bound is recorded (it never flatters the target), and the widest such
// interval seen is `resolutionMs` (about poll interval + bucket width).

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { BucketField, type BucketCounts } from '../load/bucket-counts.js';
import { latencyHistogram, toMicros, type HistogramKey } from '../core/latency-histogram.js';
import type { CountsTimelineInput } from '../measure/counts-timeline.js';
import { CLASS_CODE } from '../load/ledger.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import { parseHogqlDateTime } from './hogql-literal.js';
import type { VisibleListener } from './observation-result.js';
import type { TimeRange } from './poll-queries.js';

/** How long past its end a done bucket must be before plan() stops looking at it. */
const PREFIX_MARGIN_MS = 60_000;

export interface CountsTrackerOptions {
  readonly counts: BucketCounts;
  readonly stragglerLagMs: number;
  readonly stragglerBucketsPerPoll: number;
  /** Origin of the visible-per-second timeline (the run's start). */
  readonly originMs: number;
  readonly onVisible?: VisibleListener;
}

export interface CountsPlan {
  /** Bucket indexes to ask about this poll, ascending. */
  readonly buckets: readonly number[];
  readonly recent: number;
  readonly stragglers: number;
  /** Acknowledged events not yet visible, over all buckets. */
  readonly pending: number;
  /** Buckets whose events do not all have a final outcome on the load side yet. */
  readonly unsettled: number;
  /** Start of the oldest bucket with acknowledged events not yet visible; NaN when none. */
  readonly oldestShortStartMs: number;
}

export class CountsTracker {
  readonly counts: BucketCounts;
  private readonly uuids: Int32Array;
  private readonly rows: Int32Array;
  /** Visible acknowledged events whose latency is recorded (all, and measured-phase ones). */
  private readonly recorded: Int32Array;
  private readonly recordedMeasured: Int32Array;
  /** When the last query covering each bucket was sent (NaN: never asked). */
  private readonly askedAt: Float64Array;
  private readonly histograms = [latencyHistogram(), latencyHistogram()] as const;
  private newestVisibleBucket = -1;
  /** Buckets before this one are done: settled and every acknowledged event visible. */
  private donePrefix = 0;
  private rotation = 0;
  resolutionMs = 0;
  /** Visible events first counted in each second since originMs, per class. */
  readonly perSecond: Record<EventClass, number[]> = { anonymous: [], identified: [] };
  /**
   * Per cell, the latency upper bounds recorded for its measured events as flat pairs
   * [µs, count]: one pair per poll that found the bucket grown, so a few per bucket. This is what
   * the per-second timeline's percentiles are built from (measure/counts-timeline.ts).
   */
  private readonly latencies: (number[] | undefined)[];

  constructor(private readonly opts: CountsTrackerOptions) {
    this.counts = opts.counts;
    const n = opts.counts.buckets;
    this.uuids = new Int32Array(2 * n);
    this.rows = new Int32Array(2 * n);
    this.recorded = new Int32Array(2 * n);
    this.recordedMeasured = new Int32Array(2 * n);
    this.askedAt = new Float64Array(n).fill(NaN);
    this.latencies = new Array<number[] | undefined>(2 * n);
  }

  private cell(cls: EventClass, index: number): number {
    return CLASS_CODE[cls] * this.counts.buckets + index;
  }

  /** Visible acknowledged events of a bucket: distinct uuids, at most what was acknowledged. */
  visibleOf(cls: EventClass, index: number): number {
    return Math.min(
      this.uuids[this.cell(cls, index)]!,
      this.counts.get(cls, index, BucketField.acknowledged),
    );
  }

  rowsOf(cls: EventClass, index: number): number {
    return this.rows[this.cell(cls, index)]!;
  }

  uuidsOf(cls: EventClass, index: number): number {
    return this.uuids[this.cell(cls, index)]!;
  }

  /** Every planned event of the bucket has its final outcome (acknowledged, rejected, failed, dropped). */
  settled(index: number): boolean {
    const c = this.counts;
    return EVENT_CLASSES.every(
      (cls) =>
        c.get(cls, index, BucketField.planned) ===
        c.get(cls, index, BucketField.acknowledged) +
          c.get(cls, index, BucketField.rejected) +
          c.get(cls, index, BucketField.failed) +
          c.get(cls, index, BucketField.dropped),
    );
  }

  /** Acknowledged events of the bucket not (yet) visible. */
  short(index: number): number {
    let n = 0;
    for (const cls of EVENT_CLASSES)
      n += this.counts.get(cls, index, BucketField.acknowledged) - this.visibleOf(cls, index);
    return n;
  }

  /** The buckets to ask about at `now`: every recent open one, and stragglers in rotation. */
  plan(now: number): CountsPlan {
    const { counts, stragglerLagMs } = this.opts;
    const cutoff =
      this.newestVisibleBucket < 0
        ? -Infinity
        : counts.startOf(this.newestVisibleBucket) - stragglerLagMs - counts.bucketMs;
    const recent: number[] = [];
    const stragglers: number[] = [];
    let pending = 0;
    let unsettled = 0;
    let oldestShort = Number.NaN;
    const last = Math.min(counts.buckets - 1, counts.indexOf(now));
    let prefix = true;
    for (let i = this.donePrefix; i <= last; i++) {
      if (counts.startOf(i) > now) break;
      const settled = this.settled(i);
      const short = this.short(i);
      if (!settled) unsettled += 1;
      pending += short;
      if (short > 0 && Number.isNaN(oldestShort)) oldestShort = counts.startOf(i);
      if (settled && short === 0) {
        // A bucket the workers have not reached yet also looks done (nothing planned): only
        // buckets long past are skipped for good, and rescan() starts over once the load ends.
        if (prefix && counts.startOf(i) + counts.bucketMs + PREFIX_MARGIN_MS < now) this.donePrefix = i + 1;
        continue;
      }
      prefix = false;
      if (settled && counts.startOf(i) < cutoff) stragglers.push(i);
      else recent.push(i);
    }
    const take = Math.min(this.opts.stragglerBucketsPerPoll, stragglers.length);
    const start = stragglers.length > 0 ? this.rotation % stragglers.length : 0;
    const chosen = Array.from({ length: take }, (_, k) => stragglers[(start + k) % stragglers.length]!);
    this.rotation = start + take;
    return {
      buckets: [...recent, ...chosen].sort((a, b) => a - b),
      recent: recent.length,
      stragglers: stragglers.length,
      pending,
      unsettled,
      oldestShortStartMs: oldestShort,
    };
  }

  /** Forget the done prefix: the next plan looks at every bucket again (the load has ended). */
  rescan(): void {
    this.donePrefix = 0;
  }

  /** The buckets as merged [start, end) time ranges. */
  ranges(buckets: readonly number[]): TimeRange[] {
    const out: [number, number][] = [];
    const width = this.counts.bucketMs;
    for (const i of buckets) {
      const from = this.counts.startOf(i);
      const last = out.at(-1);
      if (last && last[1] === from) last[1] = from + width;
      else out.push([from, from + width]);
    }
    return out;
  }

  /**
   * One answer of bucketCountsQuery covering `buckets`: its rows are [event_class, bucket start,
   * row_count, uuid_count]; a bucket without rows has none visible. Returns the events newly
   * counted visible. Rows of buckets outside the run are ignored.
   */
  record(
    buckets: readonly number[],
    results: readonly (readonly unknown[])[],
    sentAt: number,
    receivedAt: number,
  ): number {
    const { counts } = this;
    const seen = new Map<number, [number, number]>();
    for (const row of results) {
      const cls = row[0];
      const start = parseHogqlDateTime(row[1]);
      if ((cls !== 'anonymous' && cls !== 'identified') || start === null) continue;
      const index = Math.floor(start / counts.bucketMs) - counts.firstBucket;
      if (index < 0 || index >= counts.buckets) continue;
      seen.set(this.cell(cls, index), [Number(row[2]), Number(row[3])]);
    }
    let fresh = 0;
    for (const index of buckets) {
      for (const cls of EVENT_CLASSES) {
        const cell = this.cell(cls, index);
        const [rows, uuids] = seen.get(cell) ?? [0, 0];
        // Counts only grow (a merge may fold duplicate rows, never remove an event).
        this.rows[cell] = Math.max(this.rows[cell]!, rows);
        this.uuids[cell] = Math.max(this.uuids[cell]!, uuids);
        fresh += this.recordVisible(cls, index, receivedAt);
      }
      this.askedAt[index] = sentAt;
    }
    return fresh;
  }

  private recordVisible(cls: EventClass, index: number, receivedAt: number): number {
    const { counts } = this;
    const cell = this.cell(cls, index);
    const fresh = this.visibleOf(cls, index) - this.recorded[cell]!;
    if (fresh <= 0) return 0;
    const start = counts.startOf(index);
    const upper = receivedAt - start;
    const previous = this.askedAt[index]!;
    const lower = Number.isNaN(previous) ? 0 : Math.max(0, previous - (start + counts.bucketMs));
    this.resolutionMs = Math.max(this.resolutionMs, upper - lower);
    // Measured-phase events first: a bucket is measured or not except where a phase boundary cuts
    // it, and there the split is the load side's count, not which events happened to show first.
    const measured = Math.min(
      fresh,
      counts.get(cls, index, BucketField.acknowledgedMeasured) - this.recordedMeasured[cell]!,
    );
    if (measured > 0) {
      this.histograms[CLASS_CODE[cls]]!.recordValueWithCount(toMicros(upper), measured);
      this.recordedMeasured[cell]! += measured;
      (this.latencies[cell] ??= []).push(toMicros(upper), measured);
    }
    this.recorded[cell]! += fresh;
    this.opts.onVisible?.(cls, fresh, Math.max(0, measured), upper, receivedAt);
    const second = Math.max(0, Math.floor((receivedAt - this.opts.originMs) / 1000));
    const perSecond = this.perSecond[cls];
    while (perSecond.length <= second) perSecond.push(0);
    perSecond[second]! += fresh;
    if (index > this.newestVisibleBucket) this.newestVisibleBucket = index;
    return fresh;
  }

  /** Visible events counted so far. */
  get visible(): number {
    let n = 0;
    for (let i = 0; i < this.recorded.length; i++) n += this.recorded[i]!;
    return n;
  }

  /** Visible-latency upper bounds of measured events, encoded (µs) per scope. */
  visibleHistograms(): Record<HistogramKey, string> {
    const all = latencyHistogram();
    all.add(this.histograms[0]);
    all.add(this.histograms[1]);
    return {
      all: encodeIntoCompressedBase64(all),
      anonymous: encodeIntoCompressedBase64(this.histograms[0]),
      identified: encodeIntoCompressedBase64(this.histograms[1]),
    };
  }

  /** Per-bucket data for the report's timeline: the load side's counts and the latencies recorded. */
  timelineInput(): CountsTimelineInput {
    const { counts } = this;
    const classes = Object.fromEntries(
      EVENT_CLASSES.map((cls) => {
        const sent: number[] = [];
        const acknowledged: number[] = [];
        const latencies: (readonly number[] | null)[] = [];
        for (let i = 0; i < counts.buckets; i++) {
          const acked = counts.get(cls, i, BucketField.acknowledged);
          // Sent = handed to HTTP and answered one way or another (as the account counts it).
          sent.push(
            acked + counts.get(cls, i, BucketField.rejected) + counts.get(cls, i, BucketField.failed),
          );
          acknowledged.push(acked);
          latencies.push(this.latencies[this.cell(cls, i)] ?? null);
        }
        return [cls, { sent, acknowledged, latencies, visiblePerSecond: [...this.perSecond[cls]] }];
      }),
    ) as unknown as CountsTimelineInput['classes'];
    return {
      originMs: this.opts.originMs,
      firstBucketStartMs: counts.startOf(0),
      bucketMs: counts.bucketMs,
      classes,
    };
  }
}
