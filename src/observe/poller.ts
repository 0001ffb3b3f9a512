// The poller: while the load runs and through the drain, ask the target's query API which of
// this run's events are visible, and write into the ledger the time each one was first seen.
// What to ask (recent window, straggler ranges) is decided by VisibilityTracker, paging is
// fetch-rows.ts, the interval plan-polling.ts; this file is the loop, its end and the final counts.
//
// First-seen time = the clock when the response page that first returned the row had been read
// (not when the request was sent). The event became queryable somewhere after the previous poll's
// request was sent and before this response, so the figure is an upper bound: it never flatters
// the target, and overstates by less than (this response − previous poll's request start). The
// largest such gap is `resolutionMs`: at least the poll interval, more when queries are slow or
// the budget stretches a poll. Events first seen through the straggler chase (counted apart) were
// asked about less often and their figures are coarser.
//
// Lifecycle. The poller has its own, not the run's abort signal: a run interrupted by Ctrl-C
// calls stop({ finalPollMs }) and gets one bounded last poll before its partial report. drain()
// sets a hard deadline: every wait and request is bounded by it, the count query included.
// Observation ends early, with a reason in the result, when the query budget cannot be waited for
// before the deadline ('query budget exhausted'), when the query API stays unreachable for a few
// seconds, or when it refuses a query (401/403/400/404). It then ends incomplete: the
// acknowledged events it did not see are `unverified`, not lost.
//
// Duplicates: `seen` of a ledger slot is the most rows with that uuid any one query returned. The
// run's duplicate figure comes from the exact count query at the end (rows − distinct uuids).

import { debuglog } from 'node:util';
import type { Ledger } from '../load/ledger.js';
import type { ShardSpec } from '../load/shard-spec.js';
import type { EventClass } from '../scenario/scenario.js';
import { systemClock, type Clock } from '../clock.js';
import { fetchRows } from './fetch-rows.js';
import { END_RESERVE, planPolling } from './plan-polling.js';
import { countsQuery, MAX_QUERY_LIMIT, type TimeRange } from './poll-queries.js';
import { QueryError, type QueryClient } from './query-client.js';
import { ObservationLoop, type StopOptions } from './observation-loop.js';
import { intendedRange, tallyFromLedger } from './ledger-tally.js';
import type {
  ClassRowCounts,
  ObservationEnd,
  ObservationResult,
  VisibleListener,
} from './observation-result.js';
import { VisibilityTracker } from './visibility-tracker.js';

export type {
  ClassRowCounts,
  ObservationEnd,
  ObservationResult,
  QueryBudgetUse,
} from './observation-result.js';

const debug = debuglog('ingestbench:observe');

/** Slack around the run's planned time range for the final count query. */
const COUNT_RANGE_SLACK_MS = 60_000;
/** Time kept for the count query at the end of a drain, and given to it by a plain stop(). */
const COUNT_RESERVE_MS = 10_000;

export interface PollerOptions {
  readonly client: QueryClient;
  readonly ledger: Ledger;
  readonly runId: string;
  readonly runTag: number;
  /** Set for a shard of a larger run: its uuids carry lanes (load/shard-spec.ts). */
  readonly shard?: ShardSpec;
  /** The interval asked for; it stretches when `observationMs` is given and the budget needs it. */
  readonly pollIntervalMs: number;
  /** Load duration + drain timeout: plan the interval so the query budget lasts it (plan-polling.ts). */
  readonly observationMs?: number;
  /** The span the key's hourly budget must last when later observations follow (a capacity search); default observationMs. */
  readonly budgetSpanMs?: number;
  /** First and last intended send time of the plan, for the count query's time bound (else read from the ledger). */
  readonly runRange?: TimeRange;
  readonly clock?: Clock;
  /** Ends observation at once, without a final poll or count query (tests; runs use stop()). */
  readonly signal?: AbortSignal;
  /** Rows per page (LIMIT). Default and maximum: PostHog's 50,000. */
  readonly pageSize?: number;
  /** How far behind the newest visible event an unseen one becomes a straggler. Default max(3 polls, 10 s). */
  readonly stragglerLagMs?: number;
  /** Straggler queries per poll, and time ranges per straggler query. Defaults 1 and 100. */
  readonly stragglerQueriesPerPoll?: number;
  readonly stragglerRangesPerQuery?: number;
  /** How long the query API may stay unreachable before observation ends. Default 5 s. */
  readonly unreachableGraceMs?: number;
  /** Told of every event as it first becomes visible (the live view). */
  readonly onVisible?: VisibleListener;
}

export interface PollerStats {
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  readonly visible: number;
  readonly lastPollAt: number;
}

export type { StopOptions } from './observation-loop.js';

export interface Poller {
  /** Poll until every acknowledged event is visible or `timeoutMs` passes (a hard bound), then count exactly. */
  drain(timeoutMs: number): Promise<ObservationResult>;
  /** Stop polling (after one bounded final poll when asked), count exactly when time allows, and report. */
  stop(options?: StopOptions): Promise<ObservationResult>;
  stats(): PollerStats;
}

export function startPoller(opts: PollerOptions): Poller {
  const clock = opts.clock ?? systemClock;
  const { client, ledger, runId } = opts;
  const stragglerQueries = opts.stragglerQueriesPerPoll ?? 1;
  const base = client.stats();
  const plan =
    opts.observationMs === undefined
      ? { intervalMs: opts.pollIntervalMs, stretch: null }
      : planPolling({
          requestedIntervalMs: opts.pollIntervalMs,
          observationMs: opts.observationMs,
          limits: base.limits,
          queriesPerPoll: 1 + stragglerQueries,
          // The key's hour so far (other observations, this run's preflight) is not this poller's to spend.
          carried: client.budget.carried(clock.now()),
          ...(opts.budgetSpanMs === undefined ? {} : { budgetSpanMs: opts.budgetSpanMs }),
          reserve: END_RESERVE,
        });
  // Planned for the usual two queries a poll. Rows beyond a page a poll cost a query per 50,000
  // whatever the interval, so no interval fixes that: the client's hard budget holds, and a run
  // whose rows outgrow the hourly budget ends observation with 'query budget exhausted'.
  const pollIntervalMs = plan.intervalMs;
  if (plan.stretch) debug('%s', plan.stretch);
  const pageSize = Math.min(MAX_QUERY_LIMIT, opts.pageSize ?? MAX_QUERY_LIMIT);
  const unreachableGraceMs = opts.unreachableGraceMs ?? 5_000;
  const tracker = new VisibilityTracker({
    ledger,
    runTag: opts.runTag,
    ...(opts.shard ? { shard: opts.shard } : {}),
    stragglerLagMs: opts.stragglerLagMs ?? Math.max(3 * pollIntervalMs, 10_000),
    ...(opts.onVisible ? { onVisible: opts.onVisible } : {}),
  });
  const startedAt = clock.now();
  let polls = 0;
  let rowsRead = 0;
  let pages = 0;
  let lastPollAt = Number.NaN;
  let previousPollStart = Number.NaN;
  let resolutionMs = pollIntervalMs;
  let drained = false;
  let pending = 0;
  const observation: ObservationLoop<ObservationResult> = new ObservationLoop({
    clock,
    ...(opts.signal ? { signal: opts.signal } : {}),
    pollIntervalMs,
    unreachableGraceMs,
    poll: pollOnce,
    drained: () => drainedNow(),
    onFailure: () => {
      drained = false; // what an earlier poll found no longer stands for now
    },
    endReserveMs: COUNT_RESERVE_MS,
    // The count query must fit before the hard deadline too: polling leaves it a slice.
    endReserveDivisor: 3,
    otherDrainFailure: 'query API unreachable',
    pollName: 'poll',
    nonErrorMessage: 'the poller stopped on a thrown non-Error value',
    result,
  });
  const bounded = observation.queryOptions;

  /** Drained, as found by a poll that began after the load ended (it knew every acknowledgement). */
  const drainedNow = (): boolean => drained && observation.lastGoodPollStart >= observation.settleFrom;

  async function pollOnce(): Promise<number> {
    const pollStart = clock.now();
    const scan = tracker.scan(pollStart);
    let fresh = 0;
    const read = async (ranges: Parameters<typeof fetchRows>[0]['ranges'], viaStraggler: boolean) => {
      await fetchRows({
        client,
        runId,
        ranges,
        pageSize,
        query: bounded,
        // Page by page: a poll cut short (budget, deadline) still keeps what it read.
        onPage: (rows, rowsOnPage) => {
          pages += 1;
          rowsRead += rowsOnPage;
          fresh += tracker.record(rows, viaStraggler);
        },
      });
    };
    if (scan.window) await read([scan.window], false);
    for (const ranges of tracker.stragglerRanges(stragglerQueries, opts.stragglerRangesPerQuery ?? 100)) {
      await read(ranges, true);
    }
    const end = clock.now();
    polls += 1;
    lastPollAt = end;
    if (!Number.isNaN(previousPollStart)) resolutionMs = Math.max(resolutionMs, end - previousPollStart);
    previousPollStart = pollStart;
    // Events seen in this poll may have been pending at its scan; rescan cheaply for the figure.
    const after = tracker.scan(end);
    pending = after.pending;
    drained = after.pending === 0 && after.inFlight === 0;
    debug(
      'poll %d: +%d visible (%d total), %d pending (%d stragglers), %d in flight',
      polls,
      fresh,
      tracker.visible,
      after.pending,
      after.stragglers,
      after.inFlight,
    );
    return pollStart;
  }

  async function countRows(): Promise<{
    source: 'query' | 'poller';
    perClass: Record<EventClass, ClassRowCounts>;
  }> {
    if (!opts.signal?.aborted) {
      try {
        const res = await client.query(countsQuery(runId, countRange()), bounded);
        const perClass: Record<EventClass, ClassRowCounts> = {
          anonymous: { rows: 0, uuids: 0 },
          identified: { rows: 0, uuids: 0 },
        };
        for (const [cls, rows, uuids] of res.results) {
          if (cls === 'anonymous' || cls === 'identified')
            perClass[cls] = { rows: Number(rows), uuids: Number(uuids) };
        }
        return { source: 'query', perClass };
      } catch (error) {
        if (!(error instanceof QueryError) && !opts.signal?.aborted) throw error;
        debug('exact count query failed, reporting the poller tally: %s', String(error));
      }
    }
    return { source: 'poller', perClass: tallyFromLedger(ledger) };
  }

  function countRange(): TimeRange {
    const [from, to] = opts.runRange ?? intendedRange(ledger);
    return [from - COUNT_RANGE_SLACK_MS, to + COUNT_RANGE_SLACK_MS];
  }

  async function result(reason: ObservationEnd): Promise<ObservationResult> {
    // Acknowledged events still unseen, counted now: a poll that failed left no figure.
    pending = tracker.scan(clock.now()).pending;
    const counts = await countRows();
    const stats = client.stats();
    const complete = reason === 'drained' || reason === 'drain timeout';
    return {
      method: 'exact',
      pollIntervalMs,
      requestedPollIntervalMs: opts.pollIntervalMs,
      pollStretch: plan.stretch,
      resolutionMs,
      polls,
      queries: stats.queries - base.queries,
      throttled: stats.throttled - base.throttled,
      errors: observation.errors,
      rowsRead,
      pages,
      budget: { limits: stats.limits, peakPerMinute: stats.peakPerMinute, peakPerHour: stats.peakPerHour },
      drained: drainedNow(),
      endReason: reason,
      endDetail: observation.endDetail,
      complete,
      pending,
      unverified: complete ? 0 : pending,
      visible: tracker.visible,
      seenAsStragglers: tracker.seenAsStragglers,
      foreignUuids: tracker.foreign.size,
      countsSource: counts.source,
      perClass: counts.perClass,
      created: tracker.createdLatency(),
      createdSkew: tracker.createdSkew.figures(),
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
        lastPollAt,
      };
    },
  };
}
