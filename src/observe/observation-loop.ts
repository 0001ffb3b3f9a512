// The observation lifecycle both observers share (the exact poller, poller.ts, and counts
// observation, counts-observer.ts): poll every interval while the load runs; drain() polls on
// until the observer says it has drained or a hard deadline passes, keeping a slice before the
// deadline for the observer's end queries; stop({ finalPollMs }) ends after one bounded last poll
// (or at once). Observation ends early, with a reason, when the query budget runs out, the query
// API refuses a query, or it stays unreachable longer than a grace. What a poll asks and what the
// result holds are the observer's: this file only knows when to poll, when to end and why.
//
// Modes: polling → draining (drain()) or final poll / stopping (stop()); any → ended (an early end).

import { debuglog } from 'node:util';
import { IngestbenchError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { ObservationEnd } from './observation-result.js';
import { QueryError, type QueryOptions } from './query-client.js';

const debug = debuglog('ingestbench:observe');

export interface StopOptions {
  /** Run one last poll bounded by this many ms (count query included) before reporting. Default: none. */
  readonly finalPollMs?: number;
}

export interface ObservationLoopOptions<R> {
  readonly clock: Clock;
  /** Ends observation at once, without a final poll or end queries (tests; runs use stop()). */
  readonly signal?: AbortSignal;
  readonly pollIntervalMs: number;
  /** How long the query API may stay unreachable before observation ends. */
  readonly unreachableGraceMs: number;
  /** One poll; resolves to the clock when it began. A QueryError is a failed poll, anything else is fatal. */
  readonly poll: () => Promise<number>;
  /** Whether the observer has seen everything it waits for (checked during the drain and at its end). */
  readonly drained: () => boolean;
  /** Called on every failed poll, before its end reason is decided. */
  readonly onFailure?: () => void;
  /** Called when the drain or the final poll begins (the load has ended). */
  readonly onSettleStart?: () => void;
  /** Time kept for the end queries at the end of a drain, and given to them by a plain stop(). */
  readonly endReserveMs: number;
  /** The drain keeps min(endReserveMs, timeoutMs / this) before its deadline for the end queries. */
  readonly endReserveDivisor: number;
  /** The end of a drain whose polls all failed, on a failure neither budget nor unreachable. */
  readonly otherDrainFailure: ObservationEnd;
  /** Debug words for a failed poll ("poll", "counts poll"). */
  readonly pollName: string;
  /** The IngestbenchError message when the loop threw a non-Error value. */
  readonly nonErrorMessage: string;
  /** Build the result once the loop has ended, with how observation ended. */
  readonly result: (reason: ObservationEnd) => Promise<R>;
}

type Mode = 'polling' | 'draining' | 'final poll' | 'stopping' | 'ended';

export class ObservationLoop<R> {
  readonly #opts: ObservationLoopOptions<R>;
  #mode: Mode = 'polling';
  #deadline = Infinity;
  /** When the drain's last poll may start: the deadline less a slice for the end queries. */
  #pollDeadline = Infinity;
  /** When the drain (or final poll) began: a poll that started after it knew every acknowledgement. */
  #settleFrom = Infinity;
  #lastGoodPollStart = -Infinity;
  #unreachableSince = Number.NaN;
  #endReason: ObservationEnd | null = null;
  #endDetail: string | null = null;
  #lastFailure: QueryError | null = null;
  #errors = 0;
  #wake: AbortController | null = null;
  #fatal: unknown = null;
  #running: Promise<void> | null = null;
  #finished: Promise<R> | null = null;
  /** Bounds every request of the observer by the deadline (and the signal). */
  readonly queryOptions: QueryOptions;

  constructor(opts: ObservationLoopOptions<R>) {
    this.#opts = opts;
    this.queryOptions = {
      deadline: () => this.#deadline,
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
  }

  /** Begin polling (the first poll starts now). Separate from the constructor: polls use queryOptions. */
  start(): void {
    this.#running ??= this.#loop().catch((error: unknown) => {
      this.#fatal = error;
    });
  }

  get errors(): number {
    return this.#errors;
  }

  get endDetail(): string | null {
    return this.#endDetail;
  }

  get settleFrom(): number {
    return this.#settleFrom;
  }

  get lastGoodPollStart(): number {
    return this.#lastGoodPollStart;
  }

  drain(timeoutMs: number): Promise<R> {
    if (!(timeoutMs >= 0))
      throw new IngestbenchError('INTERNAL', `drain timeout must be >= 0 ms, got ${timeoutMs}`);
    const now = this.#opts.clock.now();
    if (this.#mode === 'polling') {
      this.#mode = 'draining';
      this.#settleFrom = now;
      this.#deadline = now + timeoutMs;
      // The end queries must fit before the hard deadline too: polling leaves them a slice.
      this.#pollDeadline =
        this.#deadline - Math.min(this.#opts.endReserveMs, timeoutMs / this.#opts.endReserveDivisor);
      this.#opts.onSettleStart?.();
      this.#wake?.abort(); // poll now: the load has just ended
    } else if (this.#deadline === Infinity) {
      this.#deadline = now + timeoutMs; // ended early: the end queries are still bounded
    }
    return this.#finish();
  }

  stop(options: StopOptions = {}): Promise<R> {
    const now = this.#opts.clock.now();
    if (this.#mode === 'polling' || this.#mode === 'draining') {
      if (options.finalPollMs !== undefined && options.finalPollMs > 0 && !this.#opts.signal?.aborted) {
        this.#mode = 'final poll';
        this.#settleFrom = now;
        this.#deadline = Math.min(this.#deadline, now + options.finalPollMs);
        this.#opts.onSettleStart?.();
      } else {
        this.#mode = 'stopping';
        // No more polls; the end queries (and a poll already under way) get a bounded moment.
        this.#deadline = Math.min(this.#deadline, now + this.#opts.endReserveMs);
      }
      this.#pollDeadline = Math.min(this.#pollDeadline, this.#deadline);
      this.#wake?.abort();
    } else if (this.#deadline === Infinity) {
      this.#deadline = now + (options.finalPollMs ?? this.#opts.endReserveMs);
    }
    return this.#finish();
  }

  // Read through a method: the loop's checks come after awaits, where drain()/stop() may have run.
  #modeNow(): Mode {
    return this.#mode;
  }

  async #loop(): Promise<void> {
    const { clock, signal } = this.#opts;
    for (;;) {
      const now = this.#modeNow();
      if (signal?.aborted || now === 'stopping' || now === 'ended') return;
      const started = clock.now();
      try {
        this.#lastGoodPollStart = await this.#opts.poll();
        this.#unreachableSince = Number.NaN;
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
      if (after === 'draining' && (this.#opts.drained() || clock.now() >= this.#pollDeadline)) return;
      const next = Math.min(started + this.#opts.pollIntervalMs, this.#pollDeadline);
      await this.#pause(Math.max(0, next - clock.now()));
    }
  }

  async #pause(ms: number): Promise<void> {
    const { clock, signal } = this.#opts;
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
    this.#opts.onFailure?.();
    debug('%s failed (%s): %s', this.#opts.pollName, error.code, error.message);
    // Stopping: the stop's own bound ran out, which is not the budget's or the target's doing.
    if (this.#mode === 'final poll' || this.#mode === 'stopping') return;
    const now = (): number => this.#opts.clock.now();
    if (error.code === 'QUERY_BUDGET_EXHAUSTED') {
      this.#end('query budget exhausted', error.message);
    } else if (error.code === 'QUERY_SLOTS_HELD') {
      this.#end('query API refusing', error.message);
    } else if (!error.transient) {
      this.#end('query refused', error.message);
    } else if (error.code === 'TARGET_UNREACHABLE') {
      if (Number.isNaN(this.#unreachableSince)) this.#unreachableSince = now();
      if (now() - this.#unreachableSince >= this.#opts.unreachableGraceMs)
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
      if (this.#opts.drained()) return 'drained';
      // Ran to the deadline: complete only if some poll after the load ended got through.
      if (this.#lastGoodPollStart >= this.#settleFrom) return 'drain timeout';
      const failure = this.#lastFailure;
      this.#endDetail ??= failure?.message ?? 'no poll completed during the drain';
      if (failure === null) return 'drain timeout'; // no poll fitted a drain that short
      // Every poll of the drain failed: nothing after the load was checked.
      if (failure.code === 'QUERY_SLOTS_HELD') return 'query API refusing';
      if (failure.code === 'QUERY_BUDGET_EXHAUSTED' || failure.status === 429)
        return 'query budget exhausted';
      return failure.code === 'TARGET_UNREACHABLE' ? 'query API unreachable' : this.#opts.otherDrainFailure;
    }
    return 'stopped';
  }

  #finish(): Promise<R> {
    this.#finished ??= (async () => {
      await this.#running;
      if (this.#fatal instanceof Error) throw this.#fatal;
      if (this.#fatal !== null)
        throw new IngestbenchError('INTERNAL', this.#opts.nonErrorMessage, { cause: this.#fatal });
      return this.#opts.result(this.#endReason ?? this.#settle());
    })();
    return this.#finished;
  }
}
