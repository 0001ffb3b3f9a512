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
import { IngestbenchError } from '../errors.js';
import type { Ledger } from '../load/ledger.js';
import type { ShardSpec } from '../load/shard-spec.js';
import type { EventClass } from '../scenario/scenario.js';
import { systemClock, type Clock } from '../clock.js';
import { fetchRows } from './fetch-rows.js';
import { END_RESERVE, planPolling } from './plan-polling.js';
import { countsQuery, MAX_QUERY_LIMIT, type TimeRange } from './poll-queries.js';
import { QueryError, type QueryClient, type QueryOptions } from './query-client.js';
import { intendedRange, tallyFromLedger } from './ledger-tally.js';
import type { ClassRowCounts, ObservationEnd, ObservationResult } from './observation-result.js';
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
}

export interface PollerStats {
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  readonly visible: number;
  readonly lastPollAt: number;
}

export interface StopOptions {
  /** Run one last poll bounded by this many ms (count query included) before reporting. Default: none. */
  readonly finalPollMs?: number;
}

export interface Poller {
  /** Poll until every acknowledged event is visible or `timeoutMs` passes (a hard bound), then count exactly. */
  drain(timeoutMs: number): Promise<ObservationResult>;
  /** Stop polling (after one bounded final poll when asked), count exactly when time allows, and report. */
  stop(options?: StopOptions): Promise<ObservationResult>;
  stats(): PollerStats;
}

type Mode = 'polling' | 'draining' | 'final poll' | 'stopping' | 'ended';

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
  });
  const startedAt = clock.now();
  let polls = 0;
  let errors = 0;
  let rowsRead = 0;
  let pages = 0;
  let lastPollAt = Number.NaN;
  let previousPollStart = Number.NaN;
  let resolutionMs = pollIntervalMs;
  let drained = false;
  let pending = 0;
  let mode: Mode = 'polling';
  // Read through a function: the loop's checks come after awaits, where drain()/stop() may have run.
  const modeNow = (): Mode => mode;
  let deadline = Infinity;
  /** When the drain's last poll may start: the deadline less a slice for the count query. */
  let pollDeadline = Infinity;
  /** When the drain (or final poll) began: a poll that started after it has checked every acknowledged event. */
  let settleFrom = Infinity;
  let lastGoodPollStart = -Infinity;
  let unreachableSince = Number.NaN;
  let endReason: ObservationEnd | null = null;
  let endDetail: string | null = null;
  let lastFailure: QueryError | null = null;
  let wake: AbortController | null = null;
  let fatal: unknown = null;
  const bounded: QueryOptions = {
    deadline: () => deadline,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };

  /** Drained, as found by a poll that began after the load ended (it knew every acknowledgement). */
  const drainedNow = (): boolean => drained && lastGoodPollStart >= settleFrom;

  async function pollOnce(): Promise<void> {
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
    lastGoodPollStart = pollStart;
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
  }

  async function pause(ms: number): Promise<void> {
    wake = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, wake.signal]) : wake.signal;
    try {
      await clock.sleep(ms, signal);
    } catch (error) {
      // Woken early (drain, stop) or interrupted (the run was aborted): the loop decides what next.
      if (!wake.signal.aborted && !opts.signal?.aborted) throw error;
    } finally {
      wake = null;
    }
  }

  /** A failed poll: go on (transient), or end observation with a reason. */
  function failed(error: QueryError): void {
    lastFailure = error;
    errors += 1;
    drained = false; // what an earlier poll found no longer stands for now
    debug('poll failed (%s): %s', error.kind, error.message);
    // Stopping: the stop's own bound ran out, which is not the budget's or the target's doing.
    if (mode === 'final poll' || mode === 'stopping') return;
    if (error.kind === 'budget exhausted') {
      end('query budget exhausted', error.message);
    } else if (error.kind === 'auth' || !error.transient) {
      end('query refused', error.message);
    } else if (error.kind === 'unreachable') {
      if (Number.isNaN(unreachableSince)) unreachableSince = clock.now();
      if (clock.now() - unreachableSince >= unreachableGraceMs) end('query API unreachable', error.message);
    }
  }

  function end(reason: ObservationEnd, detail: string | null): void {
    endReason ??= reason;
    endDetail ??= detail;
    mode = 'ended';
  }

  async function loop(): Promise<void> {
    for (;;) {
      const now = modeNow();
      if (opts.signal?.aborted || now === 'stopping' || now === 'ended') return;
      const started = clock.now();
      try {
        await pollOnce();
        unreachableSince = Number.NaN;
      } catch (error) {
        if (opts.signal?.aborted) return;
        if (!(error instanceof QueryError)) throw error;
        failed(error);
      }
      const after = modeNow();
      if (after === 'stopping' || after === 'ended') return;
      if (after === 'final poll') {
        // One poll that began after stop() was asked for: done once it has run.
        if (started >= settleFrom || clock.now() >= deadline) return;
        continue;
      }
      if (after === 'draining' && (drainedNow() || clock.now() >= pollDeadline)) return;
      const next = Math.min(started + pollIntervalMs, pollDeadline);
      await pause(Math.max(0, next - clock.now()));
    }
  }

  const running = loop().catch((error: unknown) => {
    fatal = error;
  });

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

  let finished: Promise<ObservationResult> | null = null;
  function finish(): Promise<ObservationResult> {
    finished ??= (async () => {
      await running;
      if (fatal instanceof Error) throw fatal;
      if (fatal !== null)
        throw new IngestbenchError('INTERNAL', 'the poller stopped on a thrown non-Error value', {
          cause: fatal,
        });
      // Acknowledged events still unseen, counted now: a poll that failed left no figure.
      pending = tracker.scan(clock.now()).pending;
      const reason = endReason ?? settle();
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
        errors,
        rowsRead,
        pages,
        budget: { limits: stats.limits, peakPerMinute: stats.peakPerMinute, peakPerHour: stats.peakPerHour },
        drained: drainedNow(),
        endReason: reason,
        endDetail,
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
    })();
    return finished;
  }

  /** The loop has returned without an early end: name how observation finished. */
  function settle(): ObservationEnd {
    if (mode === 'draining') {
      if (drainedNow()) return 'drained';
      // Ran to the deadline: complete only if some poll after the load ended got through.
      if (lastGoodPollStart >= settleFrom) return 'drain timeout';
      endDetail ??= lastFailure?.message ?? 'no poll completed during the drain';
      if (lastFailure === null) return 'drain timeout'; // no poll fitted a drain that short
      // Every poll of the drain failed: nothing after the load was checked.
      return lastFailure.kind === 'budget exhausted' || lastFailure.status === 429
        ? 'query budget exhausted'
        : 'query API unreachable';
    }
    return 'stopped';
  }

  return {
    drain(timeoutMs) {
      if (!(timeoutMs >= 0))
        throw new IngestbenchError('INTERNAL', `drain timeout must be >= 0 ms, got ${timeoutMs}`);
      const now = clock.now();
      if (mode === 'polling') {
        mode = 'draining';
        settleFrom = now;
        deadline = now + timeoutMs;
        // The count query must fit before the hard deadline too: polling leaves it a slice.
        pollDeadline = deadline - Math.min(COUNT_RESERVE_MS, timeoutMs / 3);
        wake?.abort(); // poll now: the load has just ended
      } else if (deadline === Infinity) {
        deadline = now + timeoutMs; // ended early: the count query is still bounded
      }
      return finish();
    },
    stop(options = {}) {
      const now = clock.now();
      if (mode === 'polling' || mode === 'draining') {
        if (options.finalPollMs !== undefined && options.finalPollMs > 0 && !opts.signal?.aborted) {
          mode = 'final poll';
          settleFrom = now;
          deadline = Math.min(deadline, now + options.finalPollMs);
        } else {
          mode = 'stopping';
          // No more polls; the count query (and a poll already under way) get a bounded moment.
          deadline = Math.min(deadline, now + COUNT_RESERVE_MS);
        }
        pollDeadline = Math.min(pollDeadline, deadline);
        wake?.abort();
      } else if (deadline === Infinity) {
        deadline = now + (options.finalPollMs ?? COUNT_RESERVE_MS);
      }
      return finish();
    },
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
