// The load side's record for counts observation: per event class and intended-time bucket, how
// many events were planned, sent and acknowledged (measured-phase ones apart, for the latency
// histograms and the rate), in one SharedArrayBuffer the workers add to on each outcome and the
// counts observer reads on the main thread. Memory grows with the run's length, not its rate:
// 2 classes × 9 counters × 4 bytes per bucket, 6.2 MB for a day of 1 s buckets.
//
// Beside the counters, each worker keeps the sequence ranges of its batches that were NOT
// acknowledged (rejected, failed, dropped): batches are contiguous seq ranges, so this list is as
// long as the number of failed batches, not events, and is capped. With the schedule (event n's
// intended time is a formula) it tells the drill-down which events of a bucket were acknowledged,
// so lost events can be named without a per-event ledger. Past the cap, loss stays exact in number
// and identities are not named (`rangesOverflowed`).
//
// Buckets are aligned to the epoch (floor(ms / bucketMs)), as HogQL's toStartOfInterval is, so
// the query side and the load side agree on every bucket without sharing an origin.

import { CLASS_CODE } from './ledger.js';
import type { EventClass } from '../scenario/scenario.js';

export const BucketField = {
  planned: 0,
  sent: 1,
  acknowledged: 2,
  /** Acknowledged events of measured phases (the ones latency histograms take). */
  acknowledgedMeasured: 3,
  /** Sent, but the answer was a network error or timeout: the target may hold them. */
  failed: 4,
  rejected: 5,
  /** Never sent (in-flight cap, or the run stopped first). */
  dropped: 6,
  /** Planned and sent events of measured phases (for the achieved rate). */
  plannedMeasured: 7,
  sentMeasured: 8,
} as const;
const FIELDS = 9;
/** Non-acknowledged ranges each worker may keep (first, end as Float64 pairs). */
export const DEFAULT_RANGES_PER_WORKER = 16_384;

/** What crosses to the worker threads. */
export interface BucketCountsBuffers {
  readonly bucketMs: number;
  /** Epoch bucket number of bucket 0: floor(firstMs / bucketMs). */
  readonly firstBucket: number;
  readonly buckets: number;
  readonly workers: number;
  readonly rangesPerWorker: number;
  /** Int32 × 2 classes × buckets × FIELDS. */
  readonly counts: SharedArrayBuffer;
  /** Int32 × workers: ranges written, then 1 past the cap. */
  readonly rangeCounts: SharedArrayBuffer;
  /** Float64 × workers × rangesPerWorker × 2: [first, end) worker seqs. */
  readonly ranges: SharedArrayBuffer;
}

export interface BucketCountsOptions {
  readonly bucketMs: number;
  /** First and last intended time the run can have (unix ms). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly workers: number;
  readonly rangesPerWorker?: number;
}

export class BucketCounts {
  readonly bucketMs: number;
  readonly firstBucket: number;
  readonly buckets: number;
  private readonly counts: Int32Array;
  private readonly rangeCounts: Int32Array;
  private readonly rangeData: Float64Array;

  constructor(readonly buffers: BucketCountsBuffers) {
    this.bucketMs = buffers.bucketMs;
    this.firstBucket = buffers.firstBucket;
    this.buckets = buffers.buckets;
    this.counts = new Int32Array(buffers.counts);
    this.rangeCounts = new Int32Array(buffers.rangeCounts);
    this.rangeData = new Float64Array(buffers.ranges);
  }

  static allocate(o: BucketCountsOptions): BucketCounts {
    if (!(Number.isInteger(o.bucketMs) && o.bucketMs >= 1))
      throw new RangeError(`bucketMs must be a whole number of ms ≥ 1, got ${o.bucketMs}`);
    const firstBucket = Math.floor(o.fromMs / o.bucketMs);
    const buckets = Math.floor(o.toMs / o.bucketMs) - firstBucket + 1;
    const rangesPerWorker = o.rangesPerWorker ?? DEFAULT_RANGES_PER_WORKER;
    return new BucketCounts({
      bucketMs: o.bucketMs,
      firstBucket,
      buckets,
      workers: o.workers,
      rangesPerWorker,
      counts: new SharedArrayBuffer(4 * 2 * buckets * FIELDS),
      rangeCounts: new SharedArrayBuffer(4 * o.workers),
      ranges: new SharedArrayBuffer(8 * 2 * o.workers * rangesPerWorker),
    });
  }

  /** Bytes this structure holds (the figure the scale bench reports). */
  get byteLength(): number {
    const b = this.buffers;
    return b.counts.byteLength + b.rangeCounts.byteLength + b.ranges.byteLength;
  }

  /** Bucket index of an intended time (clamped into the run's buckets). */
  indexOf(intendedMs: number): number {
    const i = Math.floor(Math.floor(intendedMs) / this.bucketMs) - this.firstBucket;
    return i < 0 ? 0 : i >= this.buckets ? this.buckets - 1 : i;
  }

  /** Start (unix ms) of bucket `index`. */
  startOf(index: number): number {
    return (this.firstBucket + index) * this.bucketMs;
  }

  add(classCode: number, index: number, field: number, n: number): void {
    if (n !== 0) Atomics.add(this.counts, (classCode * this.buckets + index) * FIELDS + field, n);
  }

  get(cls: EventClass, index: number, field: number): number {
    return Atomics.load(this.counts, (CLASS_CODE[cls] * this.buckets + index) * FIELDS + field);
  }

  /** Sum of one field over all buckets of a class. */
  total(cls: EventClass, field: number): number {
    let sum = 0;
    for (let i = 0; i < this.buckets; i++) sum += this.get(cls, i, field);
    return sum;
  }

  /** Records worker seqs [first, end) as not acknowledged; false when the list is full. */
  addUnacknowledged(worker: number, first: number, end: number): boolean {
    const cap = this.buffers.rangesPerWorker;
    const n = this.rangeCounts[worker]!;
    if (n >= cap) {
      this.rangeCounts[worker] = cap + 1;
      return false;
    }
    const at = (worker * cap + n) * 2;
    this.rangeData[at] = first;
    this.rangeData[at + 1] = end;
    Atomics.store(this.rangeCounts, worker, n + 1);
    return true;
  }

  /** Some worker had more unacknowledged batches than it could list. */
  get rangesOverflowed(): boolean {
    for (let w = 0; w < this.buffers.workers; w++)
      if (Atomics.load(this.rangeCounts, w) > this.buffers.rangesPerWorker) return true;
    return false;
  }

  /** The unacknowledged [first, end) ranges of one worker, in the order they were written. */
  unacknowledged(worker: number): [number, number][] {
    const cap = this.buffers.rangesPerWorker;
    const n = Math.min(cap, Atomics.load(this.rangeCounts, worker));
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const at = (worker * cap + i) * 2;
      out.push([this.rangeData[at]!, this.rangeData[at + 1]!]);
    }
    return out;
  }
}

/**
 * One worker's adder: groups a batch's events into runs of (class, bucket) so a batch costs a
 * few atomic adds, not one per event.
 */
export class BucketCountsWriter {
  private readonly pending = new Map<number, number>();

  constructor(
    readonly counts: BucketCounts,
    readonly worker: number,
  ) {}

  /** Counts one event of `classCode` intended at `intendedMs` into `field` (flushed by flush()). */
  count(classCode: number, intendedMs: number, field: number): void {
    const key = (classCode * this.counts.buckets + this.counts.indexOf(intendedMs)) * 16 + field;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  flush(): void {
    const b = this.counts.buckets;
    for (const [key, n] of this.pending) {
      const cell = Math.floor(key / 16);
      this.counts.add(Math.floor(cell / b), cell % b, key % 16, n);
    }
    this.pending.clear();
  }

  unacknowledged(first: number, end: number): void {
    this.counts.addUnacknowledged(this.worker, first, end);
  }
}
