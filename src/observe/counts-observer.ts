// Counts observation: while the load runs and through the drain, ask the query API for per-class,
// per-bucket counts of the buckets still open (CountsTracker decides which), then one final count
// of every bucket, then the drill-down that names lost events within a query budget
// (counts-drill-down.ts).
// Each poll costs one query of at most 2 rows per open bucket, whatever the event rate.
// Lost and duplicates are exact per bucket (acknowledged vs distinct uuids; rows vs distinct
// uuids); latency is an upper bound whose resolution is about poll interval + bucket width.
//
// Lifecycle and budget are the observation loop's, as for the exact poller (observation-loop.ts):
// the interval is planned so the query client's per-minute and per-hour limits last the load and
// the drain (plan-polling.ts); drain() sets a hard deadline that bounds every wait and request
// (QueryOptions.deadline), the final count and the drill-down included; stop({ finalPollMs })
// ends a run cut short after one bounded last poll. Observation ends early, with the same
// reasons, when the budget cannot be waited for before the deadline, the query API stays
// unreachable or refuses a query; it is then incomplete, and the acknowledged events it did not
// see are `unverified`, not lost (nor drilled into).

import { debuglog } from 'node:util';
import type { BucketCounts } from '../load/bucket-counts.js';
import type { LoadPlan } from '../load/plan-load.js';
import { accountBuckets, sumOf } from './account-buckets.js';
import { EVENT_CLASSES, type EventClass, type RatePhase } from '../scenario/scenario.js';
import type { Clock } from '../clock.js';
import { drillDown, NO_DRILL_DOWN, type DrillDownResult } from './counts-drill-down.js';
import {
  bucketCountsQuery,
  classCountsQuery,
  MAX_BUCKETS_PER_QUERY,
  MAX_COUNT_ROWS,
} from './counts-queries.js';
import { CountsTracker } from './counts-tracker.js';
import { END_RESERVE } from './plan-polling.js';
import { QueryError, type QueryResponse } from './query-client.js';
import { LoopObserver } from './loop-observer.js';
import { ObservationLoop, type ObservingOptions } from './observation-loop.js';
import type { CountsFindings, CountsObservation } from './observation-result.js';
import type { Observer } from './observer.js';

export { MAX_NAMED_LOST } from './counts-drill-down.js';

const debug = debuglog('ingestbench:observe');

export interface CountsObserverOptions extends ObservingOptions {
  readonly counts: BucketCounts;
  readonly plan: LoadPlan;
  /** The run's phases: with the plan they give every event's intended time (for the drill-down). */
  readonly phases: readonly RatePhase[];
  /** Straggler buckets asked about per poll. Default 10. */
  readonly stragglerBucketsPerPoll?: number;
  /** Queries the drill-down may spend naming lost events. Default 20. */
  readonly drillDownQueries?: number;
  /** Rows per drill-down page (LIMIT). Default and maximum 50,000. */
  readonly drillDownPageSize?: number;
}

/** Queries the drill-down may spend (the loop keeps them aside at the end). */
const drillDownBudget = (opts: CountsObserverOptions): number => opts.drillDownQueries ?? 20;

export function startCountsObserver(opts: CountsObserverOptions): Observer<CountsObservation> {
  return new CountsObserver(opts);
}

class CountsObserver extends LoopObserver<CountsFindings> implements Observer<CountsObservation> {
  readonly method = 'counts';
  readonly #opts: CountsObserverOptions;
  readonly #clock: Clock;
  readonly #drillDownBudget: number;
  readonly #tracker: CountsTracker;
  /** The last poll found every acknowledged event visible and every bucket settled. */
  #drained = false;

  constructor(opts: CountsObserverOptions) {
    super(
      new ObservationLoop(opts, {
        method: 'counts',
        // One query a poll (straggler buckets ride in it); the end keeps the final count, the last
        // poll and the drill-down's queries aside.
        queriesPerPoll: 1,
        endQueries: END_RESERVE + drillDownBudget(opts),
        // The final count and the drill-down must fit before the hard deadline too.
        endShareDivisor: 10,
        // The last polls' counts stand: observation ran to its deadline.
        failedDrainEnd: 'drain timeout',
      }),
    );
    this.#opts = opts;
    this.#drillDownBudget = drillDownBudget(opts);
    this.#clock = this.loop.clock;
    this.#tracker = new CountsTracker({
      counts: opts.counts,
      stragglerLagMs: this.loop.stragglerLagMs,
      stragglerBucketsPerPoll: opts.stragglerBucketsPerPoll ?? 10,
      originMs: opts.plan.startAtMs,
      ...(opts.onVisible ? { onVisible: opts.onVisible } : {}),
    });
    this.loop.start({
      poll: (index) => this.#poll(index),
      drained: () => this.#drained,
      // The load has ended: the next poll looks at every bucket again.
      settling: () => this.#tracker.rescan(),
      findings: ({ complete }) => this.#findings(complete),
    });
  }

  protected visible(): number {
    return this.#tracker.visible;
  }

  /** One query, bounded by the deadline, its rows counted in the observation's cost. */
  async #query(hogql: string): Promise<QueryResponse> {
    const res = await this.#opts.client.query(hogql, this.loop.queryOptions);
    this.loop.countPage(res.results.length);
    return res;
  }

  /** The counts of these buckets, at most MAX_BUCKETS_PER_QUERY a query. */
  async #ask(buckets: readonly number[]): Promise<void> {
    const tracker = this.#tracker;
    for (let i = 0; i < buckets.length; i += MAX_BUCKETS_PER_QUERY) {
      const chunk = buckets.slice(i, i + MAX_BUCKETS_PER_QUERY);
      const res = await this.#query(
        bucketCountsQuery(this.#opts.plan.runId, this.#opts.counts.bucketMs, tracker.ranges(chunk)),
      );
      tracker.record(chunk, res.results, res.sentAt, res.receivedAt);
    }
  }

  async #poll(index: number): Promise<{ startedAt: number; readAt: number }> {
    const tracker = this.#tracker;
    const startedAt = this.#clock.now();
    const asked = tracker.plan(startedAt);
    await this.#ask(asked.buckets);
    const readAt = this.#clock.now();
    const after = tracker.plan(readAt);
    this.pending = after.pending;
    this.oldestUnseenAt = after.oldestShortStartMs;
    this.#drained = after.pending === 0 && after.unsettled === 0;
    debug(
      'counts poll %d: %d buckets asked, %d visible, %d pending, %d unsettled buckets',
      index,
      asked.buckets.length,
      tracker.visible,
      after.pending,
      after.unsettled,
    );
    return { startedAt, readAt };
  }

  /**
   * The exact final counts (rows, distinct uuids) the accounting uses. Per-bucket counts only grow,
   * so when the run's per-class totals equal the sums of the last answers, every bucket is final
   * and one 2-row query settles it; otherwise every bucket is asked once more. Bounded by the
   * deadline: when it fails, the last polls' answers stand.
   */
  async #finalCount(): Promise<'query' | 'poller'> {
    const { counts, signal } = this.#opts;
    const tracker = this.#tracker;
    if (signal?.aborted) return 'poller';
    tracker.rescan();
    try {
      const range = [counts.startOf(0), counts.startOf(counts.buckets)] as const;
      const totals = await this.#query(classCountsQuery(this.#opts.plan.runId, range));
      const final = (cls: EventClass): [number, number] => {
        const row = totals.results.find((r) => r[0] === cls);
        return row ? [Number(row[1]), Number(row[2])] : [0, 0];
      };
      const settled = EVENT_CLASSES.every((cls) => {
        const [rows, uuids] = final(cls);
        return rows === sumOf(tracker, cls, 'rows') && uuids === sumOf(tracker, cls, 'uuids');
      });
      if (!settled) await this.#ask(Array.from({ length: counts.buckets }, (_, i) => i));
      return 'query';
    } catch (error) {
      if (!(error instanceof QueryError) && !signal?.aborted) throw error;
      debug('final count failed, reporting the last polls: %s', String(error));
      return 'poller';
    }
  }

  /** Only lost events are named: the unseen events of an observation cut short are unverified. */
  async #drillDown(complete: boolean): Promise<DrillDownResult> {
    if (!complete) return { drill: NO_DRILL_DOWN, unackedVisible: new Map<number, number>() };
    const { plan, phases, counts, signal } = this.#opts;
    return drillDown({
      plan,
      phases,
      counts,
      tracker: this.#tracker,
      query: (hogql) => this.#query(hogql),
      budget: this.#drillDownBudget,
      pageSize: Math.min(MAX_COUNT_ROWS, this.#opts.drillDownPageSize ?? MAX_COUNT_ROWS),
      ...(signal ? { signal } : {}),
    });
  }

  async #findings(complete: boolean): Promise<CountsFindings> {
    const tracker = this.#tracker;
    const countsSource = await this.#finalCount();
    const { drill, unackedVisible } = await this.#drillDown(complete);
    const account = accountBuckets(tracker, unackedVisible, complete);
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
      bucketMs: this.#opts.counts.bucketMs,
      resolutionMs: Math.max(tracker.resolutionMs, this.loop.pollIntervalMs),
      rowsFetched: this.loop.rowsRead,
      // The final count may find what the last poll had not seen yet.
      drained: this.#drained || unseen === 0,
      pending: unseen,
      visible: account.anonymous.visible + account.identified.visible,
      countsSource,
      perClass,
      account,
      visibleHistograms: tracker.visibleHistograms(),
      timeline: tracker.timelineInput(),
      drillDown: drill,
    };
  }
}
