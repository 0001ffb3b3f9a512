// Naming lost events without a per-event ledger. A bucket that ends short says how many events
// are lost, not which. Event n of worker w is intended at a formula of the schedule, increasing in
// n, so a bucket's events are one sequence range per worker; taking away the ranges of batches
// that were not acknowledged leaves the acknowledged ones, and the uuids the target returns for
// the bucket (each encodes its worker and sequence) strike off the visible ones. What is left is
// lost, by name. In a shard, a worker sends as its lane (load/shard-spec.ts): the schedule, the
// uuid's worker bits and ingestbench_seq are the lane's. Intended times are the send loop's
// (Schedule.intendedAt). Pure: the drill-down queries live in counts-observer.ts.

import { decodeEventUuid, encodeEventUuid } from '../generate/event-uuid.js';
import type { Schedule } from '../load/schedule.js';
import type { TimeRange } from './poll-queries.js';

export interface LostEvent {
  /** The worker of this process (of this shard, in a sharded run). */
  readonly worker: number;
  /** The worker's sequence number. */
  readonly seq: number;
  /** `ingestbench_seq` of the event: seq × lanes + lane (lane = worker unsharded). */
  readonly globalSeq: number;
  readonly intendedMs: number;
  readonly uuid: string;
}

export interface NamedBucket {
  /** Acknowledged events of the bucket that were not returned. */
  readonly lost: LostEvent[];
  /** Returned uuids of the bucket's events that capture never acknowledged (failed requests that landed). */
  readonly visibleUnacknowledged: number;
}

export interface WorkerEvents {
  /** The worker's lane (its uuids' worker bits); the worker itself when unsharded. */
  readonly lane: number;
  /** The lane's schedule: Schedule(phases, lane, lanes). */
  readonly schedule: Schedule;
  /** [first, end) worker seqs whose batches were not acknowledged. */
  readonly unacknowledged: readonly (readonly [number, number])[];
}

/** First event n of the schedule whose intended ms (floored, as the uuid and timestamp carry it) is ≥ `ms`. */
export function firstAtOrAfter(schedule: Schedule, startAtMs: number, ms: number): number {
  let lo = 0;
  let hi = schedule.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Math.floor(schedule.intendedAt(startAtMs, mid)) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function nameLostEvents(opts: {
  readonly workers: readonly WorkerEvents[];
  readonly startAtMs: number;
  readonly runTag: number;
  readonly range: TimeRange;
  /** Distinct uuids the target returned for the range. */
  readonly returned: Iterable<string>;
}): NamedBucket {
  const { workers, startAtMs, runTag, range } = opts;
  const seen = workers.map(() => new Set<number>());
  const workerOf = new Map(workers.map((w, worker) => [w.lane, worker]));
  for (const uuid of opts.returned) {
    const id = decodeEventUuid(uuid, runTag);
    const worker = id ? workerOf.get(id.worker) : undefined;
    if (worker !== undefined) seen[worker]!.add(id!.seq);
  }
  const lost: LostEvent[] = [];
  let visibleUnacknowledged = 0;
  workers.forEach(({ lane, schedule, unacknowledged }, worker) => {
    const first = firstAtOrAfter(schedule, startAtMs, range[0]);
    const end = firstAtOrAfter(schedule, startAtMs, range[1]);
    // Only the ranges that reach into this bucket (a long run may list thousands).
    const here = unacknowledged.filter(([a, b]) => a < end && b > first);
    const notAcked = (seq: number): boolean => here.some(([a, b]) => seq >= a && seq < b);
    for (let seq = first; seq < end; seq++) {
      const returned = seen[worker]!.has(seq);
      if (notAcked(seq)) {
        if (returned) visibleUnacknowledged += 1;
        continue;
      }
      if (returned) continue;
      const intendedMs = schedule.intendedAt(startAtMs, seq);
      lost.push({
        worker,
        seq,
        globalSeq: seq * schedule.workers + lane,
        intendedMs,
        uuid: encodeEventUuid(runTag, lane, seq, intendedMs),
      });
    }
  });
  return { lost, visibleUnacknowledged };
}
