// The query budget: PostHog throttles HogQL per personal API key with two sliding windows at once
// (240 a minute AND 2,400 an hour by default; 120 an hour on the older plan) and at most 3
// concurrent queries per team. This class is the window arithmetic over one sliding log of send
// times (core/sliding-log.ts, the same log the reference target's throttle refuses by). Pure
// (times are passed in); key-budget.ts holds the concurrency slots and shares one of these per
// key, the query client does the waiting.

import { HOUR_MS, MINUTE_MS, SlidingLog } from '../core/sliding-log.js';
import { POSTHOG_LIMITS, type QueryLimits } from '../posthog-limits.js';

export { HOUR_MS, MINUTE_MS };

/** PostHog Cloud's limits for HogQL queries through the API (posthog-limits.ts has every profile). */
export const POSTHOG_QUERY_LIMITS: QueryLimits = {
  perMinute: POSTHOG_LIMITS.cloud.perMinute,
  perHour: POSTHOG_LIMITS.cloud.perHour,
  concurrent: POSTHOG_LIMITS.cloud.concurrent,
};

export type { QueryLimits };

export class QueryBudget {
  readonly limits: QueryLimits;
  private readonly log = new SlidingLog(HOUR_MS);
  /** Most queries seen in any one window so far (for the report: used against the limits). */
  private peakMinute = 0;
  private peakHour = 0;

  /** A number is a per-minute budget alone (the older form); limits not given are PostHog's defaults. */
  constructor(limits: number | Partial<QueryLimits>) {
    const given = typeof limits === 'number' ? { perMinute: limits, perHour: Infinity } : limits;
    this.limits = { ...POSTHOG_QUERY_LIMITS, ...given };
    for (const [name, value] of Object.entries(this.limits)) {
      if (value !== Infinity && (!Number.isInteger(value) || value < 1)) {
        throw new RangeError(`query budget ${name} must be a positive whole number, got ${value}`);
      }
    }
  }

  /** Milliseconds to wait from `now` before one more query fits both windows (0: send now). */
  waitMs(now: number): number {
    return Math.max(
      this.log.waitMs(now, MINUTE_MS, this.limits.perMinute),
      this.log.waitMs(now, HOUR_MS, this.limits.perHour),
    );
  }

  /** Record a query sent at `now`. Callers check waitMs first; this does not refuse. */
  take(now: number): void {
    this.log.record(now);
    this.peakMinute = Math.max(this.peakMinute, this.used(now));
    this.peakHour = Math.max(this.peakHour, this.usedThisHour(now));
  }

  /** Queries sent in the minute ending at `now`. */
  used(now: number): number {
    return this.log.count(now, MINUTE_MS);
  }

  usedThisHour(now: number): number {
    return this.log.count(now, HOUR_MS);
  }

  /** Send times of the queries inside the hourly window ending at `now`, oldest first. */
  hourTimes(now: number): number[] {
    return this.log.times(now, HOUR_MS);
  }

  /** The most queries any sliding minute and any sliding hour have held. */
  peaks(): { readonly perMinute: number; readonly perHour: number } {
    return { perMinute: this.peakMinute, perHour: this.peakHour };
  }
}
