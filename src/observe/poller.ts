// The poller: while the load runs and through the drain, ask the target's query API which of
// this run's events are visible, and write into the ledger the time each one was first seen.
// What to ask (recent window, straggler ranges) is decided by VisibilityTracker, paging is
// fetch-rows.ts, the interval, the lifecycle and the stats observation-loop.ts; this file is what a
// poll asks, what it records, and the final exact count.
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
import type { ClassRowCounts } from './account-ledger.js';
import type { EventClass } from '../scenario/scenario.js';
import type { Clock } from '../clock.js';
import { fetchRows } from './fetch-rows.js';
import { END_RESERVE } from './plan-polling.js';
import { countsQuery, MAX_QUERY_LIMIT, type TimeRange } from './poll-queries.js';
import { QueryError } from './query-client.js';
import { LoopObserver } from './loop-observer.js';
import { ObservationLoop, type ObservingOptions } from './observation-loop.js';
import { intendedRange, tallyFromLedger } from './ledger-tally.js';
import type { ExactFindings, ExactObservation } from './observation-result.js';
import type { Observer } from './observer.js';
import { VisibilityTracker } from './visibility-tracker.js';

const debug = debuglog('ingestbench:observe');

/** Slack around the run's planned time range for the final count query. */
const COUNT_RANGE_SLACK_MS = 60_000;

export interface PollerOptions extends ObservingOptions {
  readonly ledger: Ledger;
  readonly runId: string;
  readonly runTag: number;
  /** Set for a shard of a larger run: its uuids carry lanes (load/shard-spec.ts). */
  readonly shard?: ShardSpec;
  /** First and last intended send time of the plan, for the count query's time bound (else read from the ledger). */
  readonly runRange?: TimeRange;
  /** Rows per page (LIMIT). Default and maximum: PostHog's 50,000. */
  readonly pageSize?: number;
  /** Straggler queries per poll, and time ranges per straggler query. Defaults 1 and 100. */
  readonly stragglerQueriesPerPoll?: number;
  readonly stragglerRangesPerQuery?: number;
}

/** Straggler queries per poll (the loop plans for them beside the recent window's). */
const stragglerQueries = (opts: PollerOptions): number => opts.stragglerQueriesPerPoll ?? 1;

export function startPoller(opts: PollerOptions): Observer<ExactObservation> {
  return new ExactPoller(opts);
}

class ExactPoller extends LoopObserver<ExactFindings> implements Observer<ExactObservation> {
  readonly method = 'exact';
  readonly #opts: PollerOptions;
  readonly #clock: Clock;
  readonly #tracker: VisibilityTracker;
  readonly #pageSize: number;
  readonly #stragglerQueries: number;
  /** The last poll found every acknowledged event visible and none in flight. */
  #drained = false;

  constructor(opts: PollerOptions) {
    // Planned for the usual queries a poll (the recent window and the straggler queries). Rows
    // beyond a page a poll cost a query per 50,000 whatever the interval, so no interval fixes
    // that: the client's hard budget holds, and a run whose rows outgrow the hourly budget ends
    // observation with 'query budget exhausted'.
    super(
      new ObservationLoop(opts, {
        method: 'exact',
        queriesPerPoll: 1 + stragglerQueries(opts),
        endQueries: END_RESERVE,
        // The count query must fit before the hard deadline too: polling leaves it a slice.
        endShareDivisor: 3,
        // Nothing after the load was read: the query API is taken as lost, the unseen as unverified.
        failedDrainEnd: 'query API unreachable',
      }),
    );
    this.#opts = opts;
    this.#stragglerQueries = stragglerQueries(opts);
    this.#clock = this.loop.clock;
    this.#pageSize = Math.min(MAX_QUERY_LIMIT, opts.pageSize ?? MAX_QUERY_LIMIT);
    this.#tracker = new VisibilityTracker({
      ledger: opts.ledger,
      runTag: opts.runTag,
      ...(opts.shard ? { shard: opts.shard } : {}),
      stragglerLagMs: this.loop.stragglerLagMs,
      ...(opts.onVisible ? { onVisible: opts.onVisible } : {}),
    });
    this.loop.start({
      poll: (index) => this.#poll(index),
      drained: () => this.#drainedNow(),
      findings: () => this.#findings(),
    });
  }

  protected visible(): number {
    return this.#tracker.visible;
  }

  /** Drained, as found by a poll that began after the load ended (it knew every acknowledgement). */
  #drainedNow(): boolean {
    return this.#drained && this.loop.polledAfterLoad;
  }

  /** The recent window, then the straggler ranges, page by page. */
  async #poll(index: number): Promise<{ startedAt: number; readAt: number }> {
    const tracker = this.#tracker;
    // What an earlier poll found no longer stands once this one has begun (it may fail).
    this.#drained = false;
    const startedAt = this.#clock.now();
    const scan = tracker.scan(startedAt);
    let fresh = 0;
    const read = (ranges: readonly TimeRange[], viaStraggler: boolean) =>
      fetchRows({
        client: this.#opts.client,
        runId: this.#opts.runId,
        ranges,
        pageSize: this.#pageSize,
        query: this.loop.queryOptions,
        // Page by page: a poll cut short (budget, deadline) still keeps what it read.
        onPage: (rows, rowsOnPage) => {
          this.loop.countPage(rowsOnPage);
          fresh += tracker.record(rows, viaStraggler);
        },
      });
    if (scan.window) await read([scan.window], false);
    const stragglers = tracker.stragglerRanges(
      this.#stragglerQueries,
      this.#opts.stragglerRangesPerQuery ?? 100,
    );
    for (const ranges of stragglers) await read(ranges, true);
    const readAt = this.#clock.now();
    // Events seen in this poll may have been pending at its scan; rescan cheaply for the figure.
    const after = tracker.scan(readAt);
    this.pending = after.pending;
    this.oldestUnseenAt = after.oldestUnseenAt;
    this.#drained = after.pending === 0 && after.inFlight === 0;
    debug(
      'poll %d: +%d visible (%d total), %d pending (%d stragglers), %d in flight',
      index,
      fresh,
      tracker.visible,
      after.pending,
      after.stragglers,
      after.inFlight,
    );
    return { startedAt, readAt };
  }

  async #findings(): Promise<ExactFindings> {
    const tracker = this.#tracker;
    // Acknowledged events still unseen, counted now: a poll that failed left no figure.
    this.pending = tracker.scan(this.#clock.now()).pending;
    const counts = await this.#countRows();
    return {
      method: 'exact',
      // At least the interval; more when a poll's reading ended later after the previous one began.
      resolutionMs: Math.max(this.loop.pollIntervalMs, this.loop.largestGapMs),
      drained: this.#drainedNow(),
      pending: this.pending,
      visible: tracker.visible,
      countsSource: counts.source,
      perClass: counts.perClass,
      seenAsStragglers: tracker.seenAsStragglers,
      foreignUuids: tracker.foreign.size,
      created: tracker.createdLatency(),
      createdSkew: tracker.createdSkew.figures(),
    };
  }

  /** Rows and distinct uuids per class: the exact count query, or the ledger's tally when it fails. */
  async #countRows(): Promise<{
    source: 'query' | 'poller';
    perClass: Record<EventClass, ClassRowCounts>;
  }> {
    const { client, signal } = this.#opts;
    if (!signal?.aborted) {
      try {
        const res = await client.query(
          countsQuery(this.#opts.runId, this.#countRange()),
          this.loop.queryOptions,
        );
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
        if (!(error instanceof QueryError) && !signal?.aborted) throw error;
        debug('exact count query failed, reporting the poller tally: %s', String(error));
      }
    }
    return { source: 'poller', perClass: tallyFromLedger(this.#opts.ledger) };
  }

  #countRange(): TimeRange {
    const [from, to] = this.#opts.runRange ?? intendedRange(this.#opts.ledger);
    return [from - COUNT_RANGE_SLACK_MS, to + COUNT_RANGE_SLACK_MS];
  }
}
