// The observation both observers run in (the exact poller, poller.ts, and counts observation,
// counts-observer.ts): it plans the poll interval so the query budget lasts the load and the drain
// (plan-polling.ts), polls every interval while the load runs, and drain() polls on until the
// observer says it has drained or a hard deadline passes, keeping a slice before the deadline for
// the observer's end queries; stop({ finalPollMs }) ends after one bounded last poll (or at once).
// Observation ends early, with a reason, when the query budget runs out, the query API refuses a
// query, or it stays unreachable longer than a grace. The loop keeps what every observation
// reports (polls, queries, throttled answers, errors, rows and pages read, the budget used, how it
// ended, complete or not, unverified) and adds the observer's findings to it: what a poll asks and
// what it found are the observer's (ObserverPolls).
//
// Modes: polling → draining (drain()) or final poll / stopping (stop()); any → ended (an early end).

import { debuglog } from 'node:util';
import { IngestbenchError } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import type { LoopFigures, ObservationEnd, ObserverFindings, VisibleListener } from './observation-result.js';
import type { ObserverStats, StopOptions } from './observer.js';
import { planPolling, type PollingPlan } from './plan-polling.js';
import { QueryError, type QueryClient, type QueryClientStats, type QueryOptions } from './query-client.js';

const debug = debuglog('ingestbench:observe');

/** Time kept for the end queries at the end of a drain, and given to them by a plain stop(). */
const END_RESERVE_MS = 10_000;
/** How long the query API may stay unreachable before observation ends, unless told. */
const UNREACHABLE_GRACE_MS = 5_000;

/** What either observer is told of the observation (PollerOptions and CountsObserverOptions add their own). */
export interface ObservingOptions {
  readonly client: QueryClient;
  /** The interval asked for; it stretches when `observationMs` is given and the budget needs it. */
  readonly pollIntervalMs: number;
  /** Load duration + drain timeout: plan the interval so the query budget lasts it (plan-polling.ts). */
  readonly observationMs?: number;
  /** The span the key's hourly budget must last when later observations follow (a capacity search); default observationMs. */
  readonly budgetSpanMs?: number;
  readonly clock?: Clock;
  /** Ends observation at once, without a final poll or end queries (tests; runs use stop()). */
  readonly signal?: AbortSignal;
  /** How long the query API may stay unreachable before observation ends. Default 5 s. */
  readonly unreachableGraceMs?: number;
  /** How far behind the newest visible event an unseen one (or bucket) becomes a straggler. Default max(3 polls, 10 s). */
  readonly stragglerLagMs?: number;
  /** Told of events as they first become visible (the live view). */
  readonly onVisible?: VisibleListener;
}

/** What a method's polls and end queries take of the budget and the drain. */
export interface MethodTerms {
  readonly method: ObserverFindings['method'];
  /** Queries one poll usually sends, and those the plan keeps aside for the end (plan-polling.ts). */
  readonly queriesPerPoll: number;
  readonly endQueries: number;
  /** A drain keeps min(10 s, its timeout / this) before its deadline for the end queries. */
  readonly endShareDivisor: number;
  /**
   * How a drain ends whose every poll failed on a failure that is neither the budget's, the
   * concurrency slots' nor the network's (a server error, a request deadline).
   */
  readonly failedDrainEnd: ObservationEnd;
}

/** What the loop asks of its observer. */
export interface ObserverPolls<F extends ObserverFindings> {
  /**
   * One poll, the `index`-th to succeed if it does; resolves to when it began and when its answers
   * had been read. A QueryError is a failed poll, anything else is fatal.
   */
  poll(index: number): Promise<{ readonly startedAt: number; readonly readAt: number }>;
  /** Whether the observer has seen everything it waits for (checked during the drain and at its end). */
  drained(): boolean;
  /** The drain or the final poll begins (the load has ended). */
  settling?(): void;
  /** After the loop has ended: the end queries, and what the observer found. */
  findings(end: { readonly reason: ObservationEnd; readonly complete: boolean }): Promise<F>;
}

type Mode = 'polling' | 'draining' | 'final poll' | 'stopping' | 'ended';

export class ObservationLoop<F extends ObserverFindings> {
  readonly #opts: ObservingOptions;
  readonly #terms: MethodTerms;
  readonly #clock: Clock;
  readonly #plan: PollingPlan;
  /** The client's counters when observation began: the result counts from here. */
  readonly #base: QueryClientStats;
  readonly #startedAt: number;
  #observer: ObserverPolls<F> | null = null;
  #mode: Mode = 'polling';
  #deadline = Infinity;
  /** When the drain's last poll may start: the deadline less a slice for the end queries. */
  #pollDeadline = Infinity;
  /** When the drain (or final poll) began: a poll that started after it knew every acknowledgement. */
  #settleFrom = Infinity;
  #lastGoodPollStart = -Infinity;
  #largestGapMs = 0;
  #unreachableSince = Number.NaN;
  #endReason: ObservationEnd | null = null;
  #endDetail: string | null = null;
  #lastFailure: QueryError | null = null;
  #errors = 0;
  #pollCount = 0;
  #lastPollAt = Number.NaN;
  #rowsRead = 0;
  #pages = 0;
  #wake: AbortController | null = null;
  #fatal: unknown = null;
  #running: Promise<void> | null = null;
  #finished: Promise<LoopFigures & F> | null = null;
  /** Bounds every request of the observer by the deadline (and the signal). */
  readonly queryOptions: QueryOptions;

  constructor(opts: ObservingOptions, terms: MethodTerms) {
    this.#opts = opts;
    this.#terms = terms;
    const { client } = opts;
    const clock = (this.#clock = opts.clock ?? systemClock);
    this.#base = client.stats();
    this.#plan =
      opts.observationMs === undefined
        ? { intervalMs: opts.pollIntervalMs, stretch: null }
        : planPolling({
            requestedIntervalMs: opts.pollIntervalMs,
            observationMs: opts.observationMs,
            limits: this.#base.limits,
            queriesPerPoll: terms.queriesPerPoll,
            // The key's hour so far (other observations, this run's preflight) is not this observation's to spend.
            carried: client.budget.carried(clock.now()),
            ...(opts.budgetSpanMs === undefined ? {} : { budgetSpanMs: opts.budgetSpanMs }),
            reserve: terms.endQueries,
          });
    if (this.#plan.stretch) debug('%s', this.#plan.stretch);
    this.#startedAt = clock.now();
    this.queryOptions = {
      deadline: () => this.#deadline,
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
  }

  /** The interval planned (after any stretch). */
  get pollIntervalMs(): number {
    return this.#plan.intervalMs;
  }

  /** The observation's clock, which every poll reads. */
  get clock(): Clock {
    return this.#clock;
  }

  /** How far behind the newest visible event an unseen one becomes a straggler: max(3 polls, 10 s) unless told. */
  get stragglerLagMs(): number {
    return this.#opts.stragglerLagMs ?? Math.max(3 * this.pollIntervalMs, 10_000);
  }

  /** Some poll that began after the load ended got through: it knew every acknowledgement. */
  get polledAfterLoad(): boolean {
    return this.#lastGoodPollStart >= this.#settleFrom;
  }

  /** The longest from one good poll's start to the end of the next one's reading. */
  get largestGapMs(): number {
    return this.#largestGapMs;
  }

  /** A page the query API answered with `rows` rows: the observation's cost. */
  countPage(rows: number): void {
    this.#pages += 1;
    this.#rowsRead += rows;
  }

  get rowsRead(): number {
    return this.#rowsRead;
  }

  /** Begin polling (the first poll starts now), asking the observer's polls. */
  start(polls: ObserverPolls<F>): void {
    this.#observer ??= polls;
    this.#running ??= this.#loop().catch((error: unknown) => {
      this.#fatal = error;
    });
  }

  stats(found: {
    readonly visible: number;
    readonly pending: number;
    readonly oldestUnseenAt: number;
  }): ObserverStats {
    const s = this.#opts.client.stats();
    return {
      polls: this.#pollCount,
      queries: s.queries - this.#base.queries,
      throttled: s.throttled - this.#base.throttled,
      visible: found.visible,
      pending: found.pending,
      lastPollAt: this.#lastPollAt,
      oldestUnseenAt: found.oldestUnseenAt,
    };
  }

  drain(timeoutMs: number): Promise<LoopFigures & F> {
    if (!(timeoutMs >= 0))
      throw new IngestbenchError('INTERNAL', `drain timeout must be >= 0 ms, got ${timeoutMs}`);
    const now = this.#clock.now();
    if (this.#mode === 'polling') {
      this.#mode = 'draining';
      this.#settleFrom = now;
      this.#deadline = now + timeoutMs;
      // The end queries must fit before the hard deadline too: polling leaves them a slice.
      this.#pollDeadline = this.#deadline - Math.min(END_RESERVE_MS, timeoutMs / this.#terms.endShareDivisor);
      this.#observer?.settling?.();
      this.#wake?.abort(); // poll now: the load has just ended
    } else if (this.#deadline === Infinity) {
      this.#deadline = now + timeoutMs; // ended early: the end queries are still bounded
    }
    return this.#finish();
  }

  stop(options: StopOptions = {}): Promise<LoopFigures & F> {
    const now = this.#clock.now();
    if (this.#mode === 'polling' || this.#mode === 'draining') {
      if (options.finalPollMs !== undefined && options.finalPollMs > 0 && !this.#opts.signal?.aborted) {
        this.#mode = 'final poll';
        this.#settleFrom = now;
        this.#deadline = Math.min(this.#deadline, now + options.finalPollMs);
        this.#observer?.settling?.();
      } else {
        this.#mode = 'stopping';
        // No more polls; the end queries (and a poll already under way) get a bounded moment.
        this.#deadline = Math.min(this.#deadline, now + END_RESERVE_MS);
      }
      this.#pollDeadline = Math.min(this.#pollDeadline, this.#deadline);
      this.#wake?.abort();
    } else if (this.#deadline === Infinity) {
      this.#deadline = now + (options.finalPollMs ?? END_RESERVE_MS);
    }
    return this.#finish();
  }

  // Read through a method: the loop's checks come after awaits, where drain()/stop() may have run.
  #modeNow(): Mode {
    return this.#mode;
  }

  async #loop(): Promise<void> {
    const { signal } = this.#opts;
    const clock = this.#clock;
    const observer = this.#observer!;
    for (;;) {
      const now = this.#modeNow();
      if (signal?.aborted || now === 'stopping' || now === 'ended') return;
      const started = clock.now();
      try {
        const poll = await observer.poll(this.#pollCount + 1);
        this.#polled(poll.startedAt, poll.readAt);
      } catch (error) {
        if (signal?.aborted) return;
        if (!(error instanceof QueryError)) throw error;
        this.#failed(error);
      }
      const after = this.#modeNow();
      if (after === 'stopping' || after === 'ended') return;
      if (after === 'final poll') {
        // One poll that began after stop() was asked for: done once it has run.
        if (started >= this.#settleFrom || clock.now() >= this.#deadline) return;
        continue;
      }
      if (after === 'draining' && (observer.drained() || clock.now() >= this.#pollDeadline)) return;
      const next = Math.min(started + this.pollIntervalMs, this.#pollDeadline);
      await this.#pause(Math.max(0, next - clock.now()));
    }
  }

  /** A good poll: count it, and how long since the previous good one began. */
  #polled(startedAt: number, readAt: number): void {
    this.#pollCount += 1;
    this.#lastPollAt = readAt;
    if (this.#lastGoodPollStart > -Infinity)
      this.#largestGapMs = Math.max(this.#largestGapMs, readAt - this.#lastGoodPollStart);
    this.#lastGoodPollStart = startedAt;
    this.#unreachableSince = Number.NaN;
  }

  async #pause(ms: number): Promise<void> {
    const { signal } = this.#opts;
    const clock = this.#clock;
    const wake = new AbortController();
    this.#wake = wake;
    const both = signal ? AbortSignal.any([signal, wake.signal]) : wake.signal;
    try {
      await clock.sleep(ms, both);
    } catch (error) {
      // Woken early (drain, stop) or interrupted (the run was aborted): the loop decides what next.
      if (!wake.signal.aborted && !signal?.aborted) throw error;
    } finally {
      this.#wake = null;
    }
  }

  /** A failed poll: go on (transient), or end observation with a reason. */
  #failed(error: QueryError): void {
    this.#lastFailure = error;
    this.#errors += 1;
    debug('%s poll failed (%s): %s', this.#terms.method, error.code, error.message);
    // Stopping: the stop's own bound ran out, which is not the budget's or the target's doing.
    if (this.#mode === 'final poll' || this.#mode === 'stopping') return;
    const now = (): number => this.#clock.now();
    if (error.code === 'QUERY_BUDGET_EXHAUSTED') {
      this.#end('query budget exhausted', error.message);
    } else if (error.code === 'QUERY_SLOTS_HELD') {
      this.#end('query API refusing', error.message);
    } else if (!error.transient) {
      this.#end('query refused', error.message);
    } else if (error.code === 'TARGET_UNREACHABLE') {
      if (Number.isNaN(this.#unreachableSince)) this.#unreachableSince = now();
      if (now() - this.#unreachableSince >= (this.#opts.unreachableGraceMs ?? UNREACHABLE_GRACE_MS))
        this.#end('query API unreachable', error.message);
    }
  }

  #end(reason: ObservationEnd, detail: string | null): void {
    this.#endReason ??= reason;
    this.#endDetail ??= detail;
    this.#mode = 'ended';
  }

  /** The loop has returned without an early end: name how observation finished. */
  #settle(): ObservationEnd {
    if (this.#mode === 'draining') {
      if (this.#observer!.drained()) return 'drained';
      // Ran to the deadline: complete only if some poll after the load ended got through.
      if (this.polledAfterLoad) return 'drain timeout';
      const failure = this.#lastFailure;
      this.#endDetail ??= failure?.message ?? 'no poll completed during the drain';
      if (failure === null) return 'drain timeout'; // no poll fitted a drain that short
      // Every poll of the drain failed: nothing after the load was checked.
      if (failure.code === 'QUERY_SLOTS_HELD') return 'query API refusing';
      if (failure.code === 'QUERY_BUDGET_EXHAUSTED' || failure.status === 429)
        return 'query budget exhausted';
      return failure.code === 'TARGET_UNREACHABLE' ? 'query API unreachable' : this.#terms.failedDrainEnd;
    }
    return 'stopped';
  }

  #finish(): Promise<LoopFigures & F> {
    this.#finished ??= (async () => {
      await this.#running;
      if (this.#fatal instanceof Error) throw this.#fatal;
      if (this.#fatal !== null)
        throw new IngestbenchError(
          'INTERNAL',
          `the ${this.#terms.method} observer stopped on a thrown non-Error value`,
          { cause: this.#fatal },
        );
      return this.#result(this.#endReason ?? this.#settle());
    })();
    return this.#finished;
  }

  /** The observer's end queries and findings, with what the loop measured (counted after them). */
  async #result(reason: ObservationEnd): Promise<LoopFigures & F> {
    const complete = reason === 'drained' || reason === 'drain timeout';
    const found = await this.#observer!.findings({ reason, complete });
    const stats = this.#opts.client.stats();
    return {
      pollIntervalMs: this.pollIntervalMs,
      requestedPollIntervalMs: this.#opts.pollIntervalMs,
      pollStretch: this.#plan.stretch,
      polls: this.#pollCount,
      queries: stats.queries - this.#base.queries,
      throttled: stats.throttled - this.#base.throttled,
      errors: this.#errors,
      rowsRead: this.#rowsRead,
      pages: this.#pages,
      budget: { limits: stats.limits, peakPerMinute: stats.peakPerMinute, peakPerHour: stats.peakPerHour },
      endReason: reason,
      endDetail: this.#endDetail,
      complete,
      unverified: complete ? 0 : found.pending,
      startedAt: this.#startedAt,
      ...found,
      endedAt: this.#clock.now(),
    };
  }
}
