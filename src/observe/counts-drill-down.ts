// The drill-down of counts observation: once observation has run its course, the buckets that
// ended short (fewer distinct uuids than acknowledged events) are read uuid by uuid, and the
// acknowledged events missing from them are named from the schedule (name-lost-events.ts), within
// a query budget of their own. The counts are exact without it: it only puts names to the lost.
// It also finds the visible events capture never acknowledged (failed requests that landed),
// which the accounting takes out of `visible` (account-buckets.ts).

import type { BucketCounts } from '../load/bucket-counts.js';
import type { LoadPlan } from '../load/plan-load.js';
import { Schedule } from '../load/schedule.js';
import { laneCount, laneOf } from '../load/shard-spec.js';
import type { RatePhase } from '../scenario/scenario.js';
import { bucketUuidsQuery } from './counts-queries.js';
import type { CountsTracker } from './counts-tracker.js';
import { nameLostEvents, type LostEvent, type WorkerEvents } from './name-lost-events.js';
import type { DrillDown } from './observation-result.js';
import type { TimeRange } from './poll-queries.js';
import { QueryError, type QueryResponse } from './query-client.js';

/** Lost events listed by name in the result (all are counted). */
export const MAX_NAMED_LOST = 1000;

/** The drill-down of an observation that did not run its course: the unseen are unverified, none is named. */
export const NO_DRILL_DOWN: DrillDown = {
  shortBuckets: 0,
  bucketsRead: 0,
  queries: 0,
  named: 0,
  unnamed: 0,
  lost: [],
  note: null,
};

export interface DrillDownInput {
  readonly plan: LoadPlan;
  /** The run's phases: with the plan they give every event's intended time. */
  readonly phases: readonly RatePhase[];
  readonly counts: BucketCounts;
  /** The final per-bucket answers. */
  readonly tracker: CountsTracker;
  /** One query, bounded by the observation's deadline and counted in its cost. */
  readonly query: (hogql: string) => Promise<QueryResponse>;
  /** Queries the drill-down may spend, and rows per page (LIMIT). */
  readonly budget: number;
  readonly pageSize: number;
  readonly signal?: AbortSignal;
}

export interface DrillDownResult {
  readonly drill: DrillDown;
  /** Per bucket read, its visible events that capture never acknowledged. */
  readonly unackedVisible: Map<number, number>;
}

export async function drillDown(input: DrillDownInput): Promise<DrillDownResult> {
  const { plan, counts, tracker } = input;
  const short = shortBuckets(tracker);
  const totalLost = short.reduce((sum, i) => sum + tracker.short(i), 0);
  const unackedVisible = new Map<number, number>();
  const lost: LostEvent[] = [];
  let named = 0;
  let queries = 0;
  let bucketsRead = 0;
  let note = cannotName(plan, counts);
  const workers = note === null ? workerEvents(plan, input.phases, counts) : [];
  for (const index of note === null ? short : []) {
    if (input.signal?.aborted) break;
    const from = counts.startOf(index);
    const range = [from, from + counts.bucketMs] as const;
    const read = await readBucketUuids(input, range, input.budget - queries);
    queries += read.queries;
    // The deadline or the budget ends the naming, never the run's figures.
    if (read.failure !== null) note = `the drill-down stopped: ${read.failure}`;
    if (!read.complete) {
      note ??= `the drill-down budget (${input.budget} queries) ran out`;
      break;
    }
    bucketsRead += 1;
    const bucket = nameLostEvents({
      workers,
      startAtMs: plan.startAtMs,
      runTag: plan.runTag,
      range,
      returned: read.uuids,
    });
    unackedVisible.set(index, bucket.visibleUnacknowledged);
    named += bucket.lost.length;
    for (const event of bucket.lost) if (lost.length < MAX_NAMED_LOST) lost.push(event);
  }
  if (note === null && named < totalLost)
    note = 'the drill-down named fewer events than the counts show lost';
  return {
    drill: {
      shortBuckets: short.length,
      bucketsRead,
      queries,
      named,
      unnamed: Math.max(0, totalLost - named),
      lost,
      note: named >= totalLost ? null : note,
    },
    unackedVisible,
  };
}

/** Buckets that ended with acknowledged events missing, ascending. */
function shortBuckets(tracker: CountsTracker): number[] {
  const short: number[] = [];
  for (let i = 0; i < tracker.counts.buckets; i++) if (tracker.short(i) > 0) short.push(i);
  return short;
}

/** Why no lost event can be named from the schedule, or null when they can. */
function cannotName(plan: LoadPlan, counts: BucketCounts): string | null {
  if (plan.fullSpeed) return 'full-speed runs have no schedule to name events from';
  if (counts.rangesOverflowed) return 'more unacknowledged batches than the load side could list';
  return null;
}

/** Each worker's schedule and unacknowledged ranges: what names an event from its uuid's place. */
function workerEvents(plan: LoadPlan, phases: readonly RatePhase[], counts: BucketCounts): WorkerEvents[] {
  const lanes = laneCount(plan.shard, plan.workers.length);
  return plan.workers.map((w) => {
    const lane = laneOf(plan.shard, w.worker);
    return {
      lane,
      schedule: new Schedule(phases, lane, lanes),
      unacknowledged: counts.unacknowledged(w.worker),
    };
  });
}

interface BucketRead {
  readonly uuids: Set<string>;
  readonly queries: number;
  /** Every page was read (the last was shorter than its LIMIT). */
  readonly complete: boolean;
  /** The query failure that cut it short, in words. */
  readonly failure: string | null;
}

/** One bucket's uuids, keyset page after page, in at most `maxQueries` queries. */
async function readBucketUuids(
  input: DrillDownInput,
  range: TimeRange,
  maxQueries: number,
): Promise<BucketRead> {
  const uuids = new Set<string>();
  let after: string | null = null;
  let queries = 0;
  while (queries < maxQueries) {
    let res: QueryResponse;
    try {
      res = await input.query(bucketUuidsQuery(input.plan.runId, range, input.pageSize, after));
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      return { uuids, queries, complete: false, failure: error.message };
    }
    queries += 1;
    for (const row of res.results) if (typeof row[0] === 'string') uuids.add(row[0]);
    const last = res.results.at(-1)?.[0];
    // A page shorter than its LIMIT is the last one (PostHog sends no hasMore with a LIMIT).
    if (res.results.length < input.pageSize || typeof last !== 'string')
      return { uuids, queries, complete: true, failure: null };
    after = last;
  }
  return { uuids, queries, complete: false, failure: null };
}
