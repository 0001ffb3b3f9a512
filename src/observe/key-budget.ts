// One query budget per personal API key, shared by everything in this process that queries with
// that key: every run of a capacity search, `runScenario` called in a loop, a monitor beside a run.
// PostHog keys its per-minute and per-hour throttles on the hashed personal API key
// (posthog/rate_limit.py, PersonalApiKeyRateThrottle) and caps the team's concurrent queries
// (posthog/clickhouse/client/limit.py, get_api_team_rate_limiter): neither restarts when a new
// run begins, so neither may here. This object holds the two sliding windows (QueryBudget, the
// pure arithmetic) and the concurrency slots; query clients wait on it, and the poll planner reads
// what the past hour has already used (`carried`) so a later observation stretches its polls
// instead of running into the hourly window that earlier ones filled.

import { Semaphore } from '../core/semaphore.js';
import { QueryBudget, type QueryLimits } from './query-budget.js';

export interface KeyBudgetUsage {
  readonly limits: QueryLimits;
  /** Queries sent with this key through this budget, throttled ones included. */
  readonly queries: number;
  /** Of those, the ones the target answered 429. */
  readonly throttled: number;
  /** The most queries any sliding minute / hour held, over every user of the budget. */
  readonly peakPerMinute: number;
  readonly peakPerHour: number;
}

export interface KeyBudget {
  readonly limits: QueryLimits;
  /** Milliseconds from `now` until one more query fits both windows (0: now). */
  waitMs(now: number): number;
  /** Record a query sent at `now` (callers wait for waitMs first). */
  take(now: number): void;
  /**
   * A concurrency slot; resolves when one is free. Call the returned function to give it back.
   * Rejects with the signal's reason as soon as it aborts (the waiter leaves the queue).
   */
  acquireSlot(signal?: AbortSignal): Promise<() => void>;
  /** Record a 429 answer. */
  noteThrottled(): void;
  /**
   * The queries still inside the hourly window at `now`, as offsets from `now` (ms, ≤ 0, oldest
   * first): what a poll plan starting now must leave room for.
   */
  carried(now: number): readonly number[];
  usage(): KeyBudgetUsage;
}

/** A budget for one key: a number is queries per minute alone; unset limits are PostHog's. */
export function createKeyBudget(limits: number | Partial<QueryLimits> = {}): KeyBudget {
  const windows = new QueryBudget(limits);
  let queries = 0;
  let throttled = 0;
  const slots = new Semaphore(windows.limits.concurrent);

  return {
    limits: windows.limits,
    waitMs: (now) => windows.waitMs(now),
    take(now) {
      windows.take(now);
      queries += 1;
    },
    async acquireSlot(signal) {
      const release = await slots.acquire(signal);
      if (release !== null) return release;
      // No slot means the signal aborted: its reason is the rejection.
      signal?.throwIfAborted();
      throw new Error('key budget: a slot wait ended with neither a slot nor an abort');
    },
    noteThrottled() {
      throttled += 1;
    },
    carried: (now) => windows.hourTimes(now).map((t) => t - now),
    usage() {
      const peaks = windows.peaks();
      return {
        limits: windows.limits,
        queries,
        throttled,
        peakPerMinute: peaks.perMinute,
        peakPerHour: peaks.perHour,
      };
    },
  };
}
