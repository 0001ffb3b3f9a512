// The query budget: PostHog throttles HogQL per project with two sliding windows at once (240 a
// minute AND 2,400 an hour by default; 120 an hour on the older plan) and at most 3 concurrent
// queries per team. This class is the window arithmetic: a log of send times per window rather
// than a token bucket, because a bucket of N tokens refilling at N/min lets 2N through in the
// minute that straddles a full bucket, and PostHog's limiter counts per window. Pure (times are
// passed in); key-budget.ts holds the concurrency slots and shares one of these per key, the query
// client does the waiting.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** PostHog's defaults for a project's HogQL queries through the API. */
export const POSTHOG_QUERY_LIMITS: QueryLimits = { perMinute: 240, perHour: 2400, concurrent: 3 };

export interface QueryLimits {
  readonly perMinute: number;
  readonly perHour: number;
  /** Queries in flight at once. */
  readonly concurrent: number;
}

/** A sliding log of send times for one window length. */
class WindowLog {
  private readonly sent: number[] = [];
  private head = 0;

  constructor(
    readonly windowMs: number,
    readonly limit: number,
  ) {}

  waitMs(now: number): number {
    this.forget(now);
    if (this.size < this.limit) return 0;
    return this.sent[this.head + this.size - this.limit]! + this.windowMs - now;
  }

  take(now: number): void {
    this.forget(now);
    this.sent.push(now);
  }

  used(now: number): number {
    this.forget(now);
    return this.size;
  }

  times(now: number): number[] {
    this.forget(now);
    return this.sent.slice(this.head);
  }

  private get size(): number {
    return this.sent.length - this.head;
  }

  private forget(now: number): void {
    while (this.head < this.sent.length && this.sent[this.head]! <= now - this.windowMs) this.head += 1;
    // Compact now and then rather than shift() each time (an hour's log holds thousands).
    if (this.head > 1024 && this.head * 2 > this.sent.length) {
      this.sent.splice(0, this.head);
      this.head = 0;
    }
  }
}

export class QueryBudget {
  readonly limits: QueryLimits;
  private readonly minute: WindowLog;
  private readonly hour: WindowLog;
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
    this.minute = new WindowLog(MINUTE_MS, this.limits.perMinute);
    this.hour = new WindowLog(HOUR_MS, this.limits.perHour);
  }

  /** Milliseconds to wait from `now` before one more query fits both windows (0: send now). */
  waitMs(now: number): number {
    return Math.max(this.minute.waitMs(now), this.hour.waitMs(now));
  }

  /** Record a query sent at `now`. Callers check waitMs first; this does not refuse. */
  take(now: number): void {
    this.minute.take(now);
    this.hour.take(now);
    this.peakMinute = Math.max(this.peakMinute, this.minute.used(now));
    this.peakHour = Math.max(this.peakHour, this.hour.used(now));
  }

  /** Queries sent in the minute ending at `now`. */
  used(now: number): number {
    return this.minute.used(now);
  }

  usedThisHour(now: number): number {
    return this.hour.used(now);
  }

  /** Send times of the queries inside the hourly window ending at `now`, oldest first. */
  hourTimes(now: number): number[] {
    return this.hour.times(now);
  }

  /** The most queries any sliding minute and any sliding hour have held. */
  peaks(): { readonly perMinute: number; readonly perHour: number } {
    return { perMinute: this.peakMinute, perHour: this.peakHour };
  }
}
