// Counts observation, the loop: while the load runs and through the drain, ask the query API for
// per-class, per-bucket counts of the buckets still open (CountsTracker decides which), then one
// final count of every bucket, then the drill-down that names lost events within a query budget.
// Each poll costs one query of at most 2 rows per open bucket, whatever the event rate.
// Lost and duplicates are exact per bucket (acknowledged vs distinct uuids; rows vs distinct
// uuids); latency is an upper bound whose resolution is about poll interval + bucket width.

import { debuglog } from 'node:util';
import { IngestbenchError } from '../errors.js';
import type { BucketCounts } from '../load/bucket-counts.js';
import type { HistogramKey } from '../load/load-histograms.js';
import type { LoadPlan } from '../load/plan-load.js';
import { Schedule } from '../load/schedule.js';
import { EVENT_CLASSES, type EventClass, type RatePhase } from '../scenario/scenario.js';
import { systemClock, type Clock } from './clock.js';
import {
  bucketCountsQuery,
  classCountsQuery,
  bucketUuidsQuery,
  MAX_BUCKETS_PER_QUERY,
  MAX_COUNT_ROWS,
} from './counts-queries.js';
import { CountsTracker } from './counts-tracker.js';
import { accountBuckets, sumOf, type CountsClassAccount } from '../measure/account-buckets.js';
import { nameLostEvents, type LostEvent, type WorkerEvents } from './name-lost-events.js';
import { QueryError, type QueryClient } from './query-client.js';

const debug = debuglog('ingestbench:observe');

/** Lost events listed by name in the result (all are counted). */
export const MAX_NAMED_LOST = 1000;

export interface CountsObserverOptions {
  readonly client: QueryClient;
  readonly counts: BucketCounts;
  readonly plan: LoadPlan;
  /** The run's phases: with the plan they give every event's intended time (for the drill-down). */
  readonly phases: readonly RatePhase[];
  readonly pollIntervalMs: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Default max(3 polls, 10 s): see CountsTracker. */
  readonly stragglerLagMs?: number;
  /** Straggler buckets asked about per poll. Default 10. */
  readonly stragglerBucketsPerPoll?: number;
  /** Queries the drill-down may spend naming lost events. Default 20. */
  readonly drillDownQueries?: number;
  /** Rows per drill-down page (LIMIT). Default and maximum 50,000. */
  readonly drillDownPageSize?: number;
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

export interface CountsObservationResult {
  readonly method: 'counts';
  readonly pollIntervalMs: number;
  readonly bucketMs: number;
  /** Widest [lower, upper] latency interval of any recorded event: about poll interval + bucket. */
  readonly resolutionMs: number;
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  readonly errors: number;
  /** Rows the query API returned to polls, the final count and the drill-down. */
  readonly rowsFetched: number;
  readonly drained: boolean;
  readonly pending: number;
  readonly visible: number;
  readonly seenAsStragglers: number;
  readonly foreignUuids: number;
  /** Where the final per-bucket counts came from: the final count query, or the last polls. */
  readonly countsSource: 'query' | 'poller';
  readonly perClass: Record<EventClass, { rows: number; uuids: number }>;
  readonly account: Record<EventClass, CountsClassAccount>;
  /** Visible-latency upper bounds of measured events (µs, encoded). */
  readonly visibleHistograms: Record<HistogramKey, string>;
  /** Visible events first counted in each second of the run. */
  readonly visiblePerSecond: readonly number[];
  readonly drillDown: DrillDown;
  readonly created: null;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface CountsObserver {
  drain(timeoutMs: number): Promise<CountsObservationResult>;
  stop(): Promise<CountsObservationResult>;
  stats(): { polls: number; queries: number; visible: number; pending: number; lastPollAt: number };
}

export function startCountsObserver(opts: CountsObserverOptions): CountsObserver {
  const clock = opts.clock ?? systemClock;
  const { client, counts, plan, pollIntervalMs } = opts;
  const runId = plan.runId;
  const tracker = new CountsTracker({
    counts,
    stragglerLagMs: opts.stragglerLagMs ?? Math.max(3 * pollIntervalMs, 10_000),
    stragglerBucketsPerPoll: opts.stragglerBucketsPerPoll ?? 10,
    originMs: plan.startAtMs,
  });
  const base = client.stats();
  const startedAt = clock.now();
  let polls = 0;
  let errors = 0;
  let rowsFetched = 0;
  let lastPollAt = NaN;
  let pending = 0;
  let drained = false;
  let mode: 'polling' | 'draining' | 'stopping' = 'polling';
  const modeNow = (): typeof mode => mode;
  let drainDeadline = Infinity;
  let wake: AbortController | null = null;
  let fatal: unknown = null;

  async function ask(buckets: readonly number[]): Promise<void> {
    for (let i = 0; i < buckets.length; i += MAX_BUCKETS_PER_QUERY) {
      const chunk = buckets.slice(i, i + MAX_BUCKETS_PER_QUERY);
      const res = await client.query(bucketCountsQuery(runId, counts.bucketMs, tracker.ranges(chunk)));
      rowsFetched += res.results.length;
      tracker.record(chunk, res.results, res.sentAt, res.receivedAt);
    }
  }

  async function pollOnce(): Promise<void> {
    const planNow = tracker.plan(clock.now());
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
  }

  async function pause(ms: number): Promise<void> {
    wake = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, wake.signal]) : wake.signal;
    try {
      await clock.sleep(ms, signal);
    } catch (error) {
      if (!wake.signal.aborted && !opts.signal?.aborted) throw error;
    } finally {
      wake = null;
    }
  }

  async function loop(): Promise<void> {
    for (;;) {
      if (opts.signal?.aborted || modeNow() === 'stopping') return;
      const started = clock.now();
      try {
        await pollOnce();
      } catch (error) {
        if (opts.signal?.aborted) return;
        if (!(error instanceof QueryError && error.transient)) throw error;
        errors += 1;
        debug('counts poll failed, will retry: %s', error.message);
      }
      if (modeNow() === 'stopping') return;
      if (modeNow() === 'draining' && (drained || clock.now() >= drainDeadline)) return;
      const next = Math.min(started + pollIntervalMs, drainDeadline);
      await pause(Math.max(0, next - clock.now()));
    }
  }

  const running = loop().catch((error: unknown) => {
    fatal = error;
  });

  /**
   * The exact final counts (rows, distinct uuids) the accounting uses. Per-bucket counts only grow,
   * so when the run's per-class totals equal the sums of the last answers, every bucket is final
   * and one 2-row query settles it; otherwise every bucket is asked once more.
   */
  async function finalCount(): Promise<'query' | 'poller'> {
    if (opts.signal?.aborted) return 'poller';
    tracker.rescan();
    const all = Array.from({ length: counts.buckets }, (_, i) => i);
    try {
      const range = [counts.startOf(0), counts.startOf(counts.buckets)] as const;
      const totals = await client.query(classCountsQuery(runId, range));
      rowsFetched += totals.results.length;
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
      if (opts.signal?.aborted || !(error instanceof QueryError && error.transient)) throw error;
      debug('final count failed, reporting the last polls: %s', error.message);
      return 'poller';
    }
  }

  async function drillDown(): Promise<{ drill: DrillDown; unackedVisible: Map<number, number> }> {
    const short: number[] = [];
    for (let i = 0; i < counts.buckets; i++) if (tracker.short(i) > 0) short.push(i);
    const unackedVisible = new Map<number, number>();
    const totalLost = short.reduce((sum, i) => sum + tracker.short(i), 0);
    const budget = opts.drillDownQueries ?? 20;
    const pageSize = Math.min(MAX_COUNT_ROWS, opts.drillDownPageSize ?? MAX_COUNT_ROWS);
    const lost: LostEvent[] = [];
    let named = 0;
    let queries = 0;
    let bucketsRead = 0;
    let note: string | null = null;
    if (plan.fullSpeed) note = 'full-speed runs have no schedule to name events from';
    else if (counts.rangesOverflowed) note = 'more unacknowledged batches than the load side could list';
    const workers: WorkerEvents[] = plan.workers.map((w) => ({
      schedule: new Schedule(opts.phases, w.worker, plan.workers.length),
      unacknowledged: counts.unacknowledged(w.worker),
    }));
    for (const index of note === null ? short : []) {
      if (opts.signal?.aborted) break;
      const from = counts.startOf(index);
      const range = [from, from + counts.bucketMs] as const;
      const returned = new Set<string>();
      let after: string | null = null;
      let complete = false;
      while (queries < budget) {
        const res = await client.query(bucketUuidsQuery(runId, range, pageSize, after));
        queries += 1;
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
        note = `the drill-down budget (${budget} queries) ran out`;
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

  let finished: Promise<CountsObservationResult> | null = null;
  function finish(): Promise<CountsObservationResult> {
    finished ??= (async () => {
      await running;
      if (fatal instanceof Error) throw fatal;
      if (fatal !== null)
        throw new IngestbenchError('INTERNAL', 'the counts observer stopped on a non-Error value', {
          cause: fatal,
        });
      const countsSource = await finalCount();
      const { drill, unackedVisible } = await drillDown();
      const account = accountBuckets(tracker, unackedVisible);
      const stats = client.stats();
      const perClass = Object.fromEntries(
        EVENT_CLASSES.map((cls) => [
          cls,
          { rows: sumOf(tracker, cls, 'rows'), uuids: sumOf(tracker, cls, 'uuids') },
        ]),
      ) as Record<EventClass, { rows: number; uuids: number }>;
      return {
        method: 'counts',
        pollIntervalMs,
        bucketMs: counts.bucketMs,
        resolutionMs: tracker.resolutionMs,
        polls,
        queries: stats.queries - base.queries,
        throttled: stats.throttled - base.throttled,
        errors,
        rowsFetched,
        // The final count may find what the last poll had not seen yet.
        drained: drained || account.anonymous.lost + account.identified.lost === 0,
        pending: account.anonymous.lost + account.identified.lost,
        visible: account.anonymous.visible + account.identified.visible,
        seenAsStragglers: 0,
        foreignUuids: 0,
        countsSource,
        perClass,
        account,
        visibleHistograms: tracker.visibleHistograms(),
        visiblePerSecond: [...tracker.perSecond],
        drillDown: drill,
        created: null,
        startedAt,
        endedAt: clock.now(),
      };
    })();
    return finished;
  }

  return {
    drain(timeoutMs) {
      if (!(timeoutMs >= 0))
        throw new IngestbenchError('INTERNAL', `drain timeout must be >= 0 ms, got ${timeoutMs}`);
      if (mode === 'polling') {
        mode = 'draining';
        drainDeadline = clock.now() + timeoutMs;
        tracker.rescan();
        wake?.abort();
      }
      return finish();
    },
    stop() {
      mode = 'stopping';
      wake?.abort();
      return finish();
    },
    stats() {
      return {
        polls,
        queries: client.stats().queries - base.queries,
        visible: tracker.visible,
        pending,
        lastPollAt,
      };
    },
  };
}
