// Counts observation, the loop: while the load runs and through the drain, ask the query API for
// per-class, per-bucket counts of the buckets still open (CountsTracker decides which), then one
// final count of every bucket, then the drill-down that names lost events within a query budget.
// Each poll costs one query of at most 2 rows per open bucket, whatever the event rate.
// Lost and duplicates are exact per bucket (acknowledged vs distinct uuids; rows vs distinct
// uuids); latency is an upper bound whose resolution is about poll interval + bucket width.
//
// Lifecycle and budget, as the exact poller (poller.ts): the interval is planned so the query
// client's per-minute and per-hour limits last the load and the drain (plan-polling.ts); drain()
// sets a hard deadline that bounds every wait and request (QueryOptions.deadline), the final
// count and the drill-down included; stop({ finalPollMs }) ends a run cut short after one bounded
// last poll. Observation ends early, with the same reasons, when the budget cannot be waited for
// before the deadline, the query API stays unreachable or refuses a query; it is then incomplete,
// and the acknowledged events it did not see are `unverified`, not lost (nor drilled into).

import { debuglog } from 'node:util';
import type { BucketCounts } from '../load/bucket-counts.js';
import type { HistogramKey } from '../core/latency-histogram.js';
import type { CountsTimelineInput } from '../measure/counts-timeline.js';
import type { LoadPlan } from '../load/plan-load.js';
import { Schedule } from '../load/schedule.js';
import { laneCount, laneOf } from '../load/shard-spec.js';
import { EVENT_CLASSES, type EventClass, type RatePhase } from '../scenario/scenario.js';
import { systemClock, type Clock } from '../clock.js';
import {
  bucketCountsQuery,
  classCountsQuery,
  bucketUuidsQuery,
  MAX_BUCKETS_PER_QUERY,
  MAX_COUNT_ROWS,
} from './counts-queries.js';
import { CountsTracker } from './counts-tracker.js';
import { accountBuckets, sumOf, type CountsClassAccount } from './account-buckets.js';
import { nameLostEvents, type LostEvent, type WorkerEvents } from './name-lost-events.js';
import { END_RESERVE, planPolling } from './plan-polling.js';
import type { ObservationEnd, ObservationResult, PollerStats, StopOptions } from './poller.js';
import { QueryError, type QueryClient } from './query-client.js';
import { ObservationLoop } from './observation-loop.js';
import type { VisibleListener } from './observation-result.js';

const debug = debuglog('ingestbench:observe');

/** Lost events listed by name in the result (all are counted). */
export const MAX_NAMED_LOST = 1000;

export interface CountsObserverOptions {
  readonly client: QueryClient;
  readonly counts: BucketCounts;
  readonly plan: LoadPlan;
  /** The run's phases: with the plan they give every event's intended time (for the drill-down). */
  readonly phases: readonly RatePhase[];
  /** The interval asked for; it stretches when `observationMs` is given and the budget needs it. */
  readonly pollIntervalMs: number;
  /** Load duration + drain timeout: plan the interval so the query budget lasts it (plan-polling.ts). */
  readonly observationMs?: number;
  /** The span the key's hourly budget must last when later observations follow (a capacity search); default observationMs. */
  readonly budgetSpanMs?: number;
  readonly clock?: Clock;
  /** Ends observation at once, without a final count or drill-down (tests; runs use stop()). */
  readonly signal?: AbortSignal;
  /** How long the query API may stay unreachable before observation ends. Default 5 s. */
  readonly unreachableGraceMs?: number;
  /** Default max(3 polls, 10 s): see CountsTracker. */
  readonly stragglerLagMs?: number;
  /** Straggler buckets asked about per poll. Default 10. */
  readonly stragglerBucketsPerPoll?: number;
  /** Queries the drill-down may spend naming lost events. Default 20. */
  readonly drillDownQueries?: number;
  /** Rows per drill-down page (LIMIT). Default and maximum 50,000. */
  readonly drillDownPageSize?: number;
  /** Told of every bucket's newly visible events (the live view). */
  readonly onVisible?: VisibleListener;
}

export interface DrillDown {
  /** Buckets that ended with acknowledged events missing, and how many of them were read. */
  readonly shortBuckets: number;
  readonly bucketsRead: number;
  readonly queries: number;
  /** Lost events named (the first MAX_NAMED_LOST are listed), and lost events left unnamed. */
  readonly named: number;
  readonly unnamed: number;
  readonly lost: readonly LostEvent[];
  /** Why some lost events are not named, when some are not. */
  readonly note: string | null;
}

/** The exact poller's result fields (budget, end reason, unverified), and what counts adds. */
export interface CountsObservationResult extends Omit<ObservationResult, 'method' | 'created'> {
  readonly method: 'counts';
  readonly bucketMs: number;
  /** Rows the query API returned to polls, the final count and the drill-down (= rowsRead). */
  readonly rowsFetched: number;
  /** Per class; lost only when observation is complete, else the unseen are unverified. */
  readonly account: Record<EventClass, CountsClassAccount>;
  /** Visible-latency upper bounds of measured events (µs, encoded). */
  readonly visibleHistograms: Record<HistogramKey, string>;
  /** Per-bucket counts and latencies for the report's per-second timeline. */
  readonly timeline: CountsTimelineInput;
  readonly drillDown: DrillDown;
  readonly created: null;
}

export interface CountsObserver {
  drain(timeoutMs: number): Promise<CountsObservationResult>;
  stop(options?: StopOptions): Promise<CountsObservationResult>;
  stats(): PollerStats & { pending: number };
}

/** Time kept for the final count and the drill-down at the end of a drain, and given by a plain stop(). */
const END_RESERVE_MS = 10_000;

export function startCountsObserver(opts: CountsObserverOptions): CountsObserver {
  const clock = opts.clock ?? systemClock;
  const { client, counts, plan } = opts;
  const runId = plan.runId;
  const drillDownBudget = opts.drillDownQueries ?? 20;
  const base = client.stats();
  // One query a poll (straggler buckets ride in it); the end keeps the final count, the last poll
  // and the drill-down's queries aside.
  const polling =
    opts.observationMs === undefined
      ? { intervalMs: opts.pollIntervalMs, stretch: null }
      : planPolling({
          requestedIntervalMs: opts.pollIntervalMs,
          observationMs: opts.observationMs,
          limits: base.limits,
          queriesPerPoll: 1,
          // The key's hour so far (other observations, this run's preflight) is not this poller's to spend.
          carried: client.budget.carried(clock.now()),
          ...(opts.budgetSpanMs === undefined ? {} : { budgetSpanMs: opts.budgetSpanMs }),
          reserve: END_RESERVE + drillDownBudget,
        });
  const pollIntervalMs = polling.intervalMs;
  if (polling.stretch) debug('%s', polling.stretch);
  const unreachableGraceMs = opts.unreachableGraceMs ?? 5_000;
  const tracker = new CountsTracker({
    counts,
    stragglerLagMs: opts.stragglerLagMs ?? Math.max(3 * pollIntervalMs, 10_000),
    stragglerBucketsPerPoll: opts.stragglerBucketsPerPoll ?? 10,
    originMs: plan.startAtMs,
    ...(opts.onVisible ? { onVisible: opts.onVisible } : {}),
  });
  const startedAt = clock.now();
  let polls = 0;
  let rowsFetched = 0;
  let pages = 0;
  let lastPollAt = NaN;
  let pending = 0;
  let drained = false;
  const observation: ObservationLoop<CountsObservationResult> = new ObservationLoop({
    clock,
    ...(opts.signal ? { signal: opts.signal } : {}),
    pollIntervalMs,
    unreachableGraceMs,
    poll: pollOnce,
    drained: () => drained,
    // The load has ended: the next poll looks at every bucket again.
    onSettleStart: () => tracker.rescan(),
    endReserveMs: END_RESERVE_MS,
    // The final count and the drill-down must fit before the hard deadline too.
    endReserveDivisor: 10,
    otherDrainFailure: 'drain timeout',
    pollName: 'counts poll',
    nonErrorMessage: 'the counts observer stopped on a non-Error value',
    result,
  });
  const bounded = observation.queryOptions;

  async function ask(buckets: readonly number[]): Promise<void> {
    for (let i = 0; i < buckets.length; i += MAX_BUCKETS_PER_QUERY) {
      const chunk = buckets.slice(i, i + MAX_BUCKETS_PER_QUERY);
      const res = await client.query(
        bucketCountsQuery(runId, counts.bucketMs, tracker.ranges(chunk)),
        bounded,
      );
      rowsFetched += res.results.length;
      pages += 1;
      tracker.record(chunk, res.results, res.sentAt, res.receivedAt);
    }
  }

  async function pollOnce(): Promise<number> {
    const pollStart = clock.now();
    const planNow = tracker.plan(pollStart);
    await ask(planNow.buckets);
    polls += 1;
    lastPollAt = clock.now();
    const after = tracker.plan(lastPollAt);
    pending = after.pending;
    drained = after.pending === 0 && after.unsettled === 0;
    debug(
      'counts poll %d: %d buckets asked, %d visible, %d pending, %d unsettled buckets',
      polls,
      planNow.buckets.length,
      tracker.visible,
      after.pending,
      after.unsettled,
    );
    return pollStart;
  }

  /**
   * The exact final counts (rows, distinct uuids) the accounting uses. Per-bucket counts only grow,
   * so when the run's per-class totals equal the sums of the last answers, every bucket is final
   * and one 2-row query settles it; otherwise every bucket is asked once more. Bounded by the
   * deadline: when it fails, the last polls' answers stand.
   */
  async function finalCount(): Promise<'query' | 'poller'> {
    if (opts.signal?.aborted) return 'poller';
    tracker.rescan();
    const all = Array.from({ length: counts.buckets }, (_, i) => i);
    try {
      const range = [counts.startOf(0), counts.startOf(counts.buckets)] as const;
      const totals = await client.query(classCountsQuery(runId, range), bounded);
      rowsFetched += totals.results.length;
      pages += 1;
      const final = (cls: EventClass): [number, number] => {
        const row = totals.results.find((r) => r[0] === cls);
        return row ? [Number(row[1]), Number(row[2])] : [0, 0];
      };
      const settled = EVENT_CLASSES.every((cls) => {
        const [rows, uuids] = final(cls);
        return rows === sumOf(tracker, cls, 'rows') && uuids === sumOf(tracker, cls, 'uuids');
      });
      if (!settled) await ask(all);
      return 'query';
    } catch (error) {
      if (!(error instanceof QueryError) && !opts.signal?.aborted) throw error;
      debug('final count failed, reporting the last polls: %s', String(error));
      return 'poller';
    }
  }

  async function drillDown(): Promise<{ drill: DrillDown; unackedVisible: Map<number, number> }> {
    const short: number[] = [];
    for (let i = 0; i < counts.buckets; i++) if (tracker.short(i) > 0) short.push(i);
    const unackedVisible = new Map<number, number>();
    const totalLost = short.reduce((sum, i) => sum + tracker.short(i), 0);
    const pageSize = Math.min(MAX_COUNT_ROWS, opts.drillDownPageSize ?? MAX_COUNT_ROWS);
    const lost: LostEvent[] = [];
    let named = 0;
    let queries = 0;
    let bucketsRead = 0;
    let note: string | null = null;
    if (plan.fullSpeed) note = 'full-speed runs have no schedule to name events from';
    else if (counts.rangesOverflowed) note = 'more unacknowledged batches than the load side could list';
    const lanes = laneCount(plan.shard, plan.workers.length);
    const workers: WorkerEvents[] = plan.workers.map((w) => {
      const lane = laneOf(plan.shard, w.worker);
      const unacknowledged = counts.unacknowledged(w.worker);
      return { lane, schedule: new Schedule(opts.phases, lane, lanes), unacknowledged };
    });
    for (const index of note === null ? short : []) {
      if (opts.signal?.aborted) break;
      const from = counts.startOf(index);
      const range = [from, from + counts.bucketMs] as const;
      const returned = new Set<string>();
      let after: string | null = null;
      let complete = false;
      while (queries < drillDownBudget) {
        let res;
        try {
          res = await client.query(bucketUuidsQuery(runId, range, pageSize, after), bounded);
        } catch (error) {
          if (!(error instanceof QueryError)) throw error;
          // The deadline or the budget ends the naming, never the run's figures.
          note = `the drill-down stopped: ${error.message}`;
          break;
        }
        queries += 1;
        pages += 1;
        rowsFetched += res.results.length;
        for (const row of res.results) if (typeof row[0] === 'string') returned.add(row[0]);
        const last = res.results.at(-1)?.[0];
        // A page shorter than its LIMIT is the last one (PostHog sends no hasMore with a LIMIT).
        if (res.results.length < pageSize || typeof last !== 'string') {
          complete = true;
          break;
        }
        after = last;
      }
      if (!complete) {
        note ??= `the drill-down budget (${drillDownBudget} queries) ran out`;
        break;
      }
      bucketsRead += 1;
      const result = nameLostEvents({
        workers,
        startAtMs: plan.startAtMs,
        runTag: plan.runTag,
        range,
        returned,
      });
      unackedVisible.set(index, result.visibleUnacknowledged);
      named += result.lost.length;
      for (const event of result.lost) if (lost.length < MAX_NAMED_LOST) lost.push(event);
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

  const NO_DRILL_DOWN: DrillDown = {
    shortBuckets: 0,
    bucketsRead: 0,
    queries: 0,
    named: 0,
    unnamed: 0,
    lost: [],
    note: null,
  };

  async function result(reason: ObservationEnd): Promise<CountsObservationResult> {
    const complete = reason === 'drained' || reason === 'drain timeout';
    const countsSource = await finalCount();
    // Only lost events are named: the unseen events of an observation cut short are unverified.
    const { drill, unackedVisible } = complete
      ? await drillDown()
      : { drill: NO_DRILL_DOWN, unackedVisible: new Map<number, number>() };
    const account = accountBuckets(tracker, unackedVisible, complete);
    const stats = client.stats();
    const perClass = Object.fromEntries(
      EVENT_CLASSES.map((cls) => [
        cls,
        { rows: sumOf(tracker, cls, 'rows'), uuids: sumOf(tracker, cls, 'uuids') },
      ]),
    ) as Record<EventClass, { rows: number; uuids: number }>;
    const unseen =
      account.anonymous.lost +
      account.identified.lost +
      account.anonymous.unverified +
      account.identified.unverified;
    return {
      method: 'counts',
      pollIntervalMs,
      requestedPollIntervalMs: opts.pollIntervalMs,
      pollStretch: polling.stretch,
      bucketMs: counts.bucketMs,
      resolutionMs: Math.max(tracker.resolutionMs, pollIntervalMs),
      polls,
      queries: stats.queries - base.queries,
      throttled: stats.throttled - base.throttled,
      errors: observation.errors,
      rowsFetched,
      rowsRead: rowsFetched,
      pages,
      budget: { limits: stats.limits, peakPerMinute: stats.peakPerMinute, peakPerHour: stats.peakPerHour },
      // The final count may find what the last poll had not seen yet.
      drained: drained || unseen === 0,
      endReason: reason,
      endDetail: observation.endDetail,
      complete,
      pending: unseen,
      unverified: complete ? 0 : unseen,
      visible: account.anonymous.visible + account.identified.visible,
      seenAsStragglers: 0,
      foreignUuids: 0,
      countsSource,
      perClass,
      account,
      visibleHistograms: tracker.visibleHistograms(),
      timeline: tracker.timelineInput(),
      drillDown: drill,
      created: null,
      startedAt,
      endedAt: clock.now(),
    };
  }

  observation.start();

  return {
    drain: (timeoutMs) => observation.drain(timeoutMs),
    stop: (options?: StopOptions) => observation.stop(options),
    stats() {
      const s = client.stats();
      return {
        polls,
        queries: s.queries - base.queries,
        throttled: s.throttled - base.throttled,
        visible: tracker.visible,
        pending,
        lastPollAt,
      };
    },
  };
}
