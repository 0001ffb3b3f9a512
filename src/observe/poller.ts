// The poller: while the load runs and through the drain, ask the target's query API which of
// this run's events are visible, and write into the ledger the time each one was first seen.
// What to ask (recent window, straggler ranges) is decided by VisibilityTracker, paging is
// fetch-rows.ts; this file is the loop, the drain and the end-of-run counts.
//
// First-seen time = the clock when the response page that first returned the row had been read
// (not when the request was sent). The event became queryable somewhere after the previous poll's
// request was sent and before this response, so the figure is an upper bound: it never flatters
// the target, and overstates by less than (this response − previous poll's request start). The
// largest such gap is `resolutionMs`: at least the poll interval, more when queries are slow or
// the budget stretches a poll. Events first seen through the straggler chase (counted apart) were
// asked about less often and their figures are coarser.
//
// Duplicates: `seen` of a ledger slot is the most rows with that uuid any one query returned. The
// run's duplicate figure comes from the exact count query at the end (rows − distinct uuids).

import { debuglog } from 'node:util';
import { IngestbenchError } from '../errors.js';
import type { HistogramKey } from '../load/load-histograms.js';
import type { Ledger } from '../load/ledger.js';
import type { ShardSpec } from '../load/shard-spec.js';
import type { EventClass } from '../scenario/scenario.js';
import { systemClock, type Clock } from './clock.js';
import { fetchRows } from './fetch-rows.js';
import { countsQuery, MAX_QUERY_LIMIT } from './poll-queries.js';
import { QueryError, type QueryClient } from './query-client.js';
import { VisibilityTracker } from './visibility-tracker.js';

const debug = debuglog('ingestbench:observe');

export interface PollerOptions {
  readonly client: QueryClient;
  readonly ledger: Ledger;
  readonly runId: string;
  readonly runTag: number;
  /** Set for a shard of a larger run: its uuids carry lanes (load/shard-spec.ts). */
  readonly shard?: ShardSpec;
  readonly pollIntervalMs: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Rows per page (LIMIT). Default and maximum: PostHog's 50,000. */
  readonly pageSize?: number;
  /** How far behind the newest visible event an unseen one becomes a straggler. Default max(3 polls, 10 s). */
  readonly stragglerLagMs?: number;
  /** Straggler queries per poll, and time ranges per straggler query. Defaults 1 and 100. */
  readonly stragglerQueriesPerPoll?: number;
  readonly stragglerRangesPerQuery?: number;
}

export interface ClassRowCounts {
  readonly rows: number;
  readonly uuids: number;
}

export interface ObservationResult {
  /** Every event tracked exactly (probe sampling is not implemented by this poller). */
  readonly method: 'exact' | 'probe';
  readonly pollIntervalMs: number;
  /** Bound on how much a first-seen time may overstate (see the file header). */
  readonly resolutionMs: number;
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  /** Polls that failed with a transient error (the loop went on). */
  readonly errors: number;
  /** Every acknowledged event was seen and none was in flight when observation ended. */
  readonly drained: boolean;
  /** Acknowledged events never seen. */
  readonly pending: number;
  readonly visible: number;
  readonly seenAsStragglers: number;
  /** Distinct uuids in the run's rows that the run did not generate. */
  readonly foreignUuids: number;
  /** Where perClass came from: the exact count query, or the poller's own tally when it failed. */
  readonly countsSource: 'query' | 'poller';
  readonly perClass: Record<EventClass, ClassRowCounts>;
  /**
   * created_at − intended send time (µs, encoded hdr histograms) of measured events, by the
   * target's clock: a second figure without poll resolution; null when rows carry no created_at.
   */
  readonly created: Record<HistogramKey, string> | null;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface PollerStats {
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  readonly visible: number;
  readonly lastPollAt: number;
}

export interface Poller {
  /** Poll until every acknowledged event is visible or `timeoutMs` passes, then count exactly. */
  drain(timeoutMs: number): Promise<ObservationResult>;
  /** Stop polling now, count exactly (unless aborted), and report. */
  stop(): Promise<ObservationResult>;
  stats(): PollerStats;
}

export function startPoller(opts: PollerOptions): Poller {
  const clock = opts.clock ?? systemClock;
  const { client, ledger, runId, pollIntervalMs } = opts;
  const pageSize = Math.min(MAX_QUERY_LIMIT, opts.pageSize ?? MAX_QUERY_LIMIT);
  const tracker = new VisibilityTracker({
    ledger,
    runTag: opts.runTag,
    ...(opts.shard ? { shard: opts.shard } : {}),
    stragglerLagMs: opts.stragglerLagMs ?? Math.max(3 * pollIntervalMs, 10_000),
  });
  const base = client.stats();
  const startedAt = clock.now();
  let polls = 0;
  let errors = 0;
  let lastPollAt = Number.NaN;
  let previousPollStart = Number.NaN;
  let resolutionMs = pollIntervalMs;
  let drained = false;
  let pending = 0;
  let mode: 'polling' | 'draining' | 'stopping' = 'polling';
  // Read through a function: the loop's checks come after awaits, where drain()/stop() may have run.
  const modeNow = (): typeof mode => mode;
  let drainDeadline = Infinity;
  let wake: AbortController | null = null;
  let fatal: unknown = null;

  async function pollOnce(): Promise<void> {
    const pollStart = clock.now();
    const scan = tracker.scan(pollStart);
    let fresh = 0;
    if (scan.window) {
      fresh += tracker.record(await fetchRows({ client, runId, ranges: [scan.window], pageSize }), false);
    }
    const chase = tracker.stragglerRanges(
      opts.stragglerQueriesPerPoll ?? 1,
      opts.stragglerRangesPerQuery ?? 100,
    );
    for (const ranges of chase) {
      fresh += tracker.record(await fetchRows({ client, runId, ranges, pageSize }), true);
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
        debug('poll failed, will retry: %s', error.message);
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

  async function countRows(): Promise<{
    source: 'query' | 'poller';
    perClass: Record<EventClass, ClassRowCounts>;
  }> {
    if (!opts.signal?.aborted) {
      try {
        const res = await client.query(countsQuery(runId));
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
        if (opts.signal?.aborted) throw error;
        if (!(error instanceof QueryError && error.transient)) throw error;
        debug('exact count query failed, reporting the poller tally: %s', error.message);
      }
    }
    return { source: 'poller', perClass: tallyFromLedger(ledger) };
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
      const counts = await countRows().catch((error: unknown) => {
        if (opts.signal?.aborted) return { source: 'poller' as const, perClass: tallyFromLedger(ledger) };
        throw error;
      });
      const stats = client.stats();
      return {
        method: 'exact',
        pollIntervalMs,
        resolutionMs,
        polls,
        queries: stats.queries - base.queries,
        throttled: stats.throttled - base.throttled,
        errors,
        drained,
        pending,
        visible: tracker.visible,
        seenAsStragglers: tracker.seenAsStragglers,
        foreignUuids: tracker.foreign.size,
        countsSource: counts.source,
        perClass: counts.perClass,
        created: tracker.createdLatency(),
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
        wake?.abort(); // poll now: the load has just ended
      }
      return finish();
    },
    stop() {
      mode = 'stopping';
      wake?.abort();
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

/** Rows and uuids per class as far as the poller saw them (for when the count query fails). */
function tallyFromLedger(ledger: Ledger): Record<EventClass, ClassRowCounts> {
  const tally = { anonymous: { rows: 0, uuids: 0 }, identified: { rows: 0, uuids: 0 } };
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq += 1) {
      const seen = shard.seen[seq]!;
      if (seen === 0) continue;
      const t = tally[shard.classOf(seq)];
      t.rows += seen;
      t.uuids += 1;
    }
  }
  return tally;
}
