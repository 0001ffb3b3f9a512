// The query budget: at most N queries in any 60-second window. A sliding log of the last N send
// times rather than a token bucket, because a bucket of N tokens refilling at N/min lets 2N
// through in the minute that straddles a full bucket, and PostHog's limiter counts per window.
// Pure (times are passed in); the query client does the waiting.

export const BUDGET_WINDOW_MS = 60_000;

export class QueryBudget {
  private readonly sent: number[] = [];

  constructor(readonly perMinute: number) {
    if (!Number.isInteger(perMinute) || perMinute < 1) {
      throw new RangeError(`query budget must be a positive whole number per minute, got ${perMinute}`);
    }
  }

  /** Milliseconds to wait from `now` before one more query fits the budget (0: send now). */
  waitMs(now: number): number {
    this.forget(now);
    if (this.sent.length < this.perMinute) return 0;
    return this.sent[0]! + BUDGET_WINDOW_MS - now;
  }

  /** Record a query sent at `now`. Callers check waitMs first; this does not refuse. */
  take(now: number): void {
    this.forget(now);
    this.sent.push(now);
  }

  /** Queries sent in the window ending at `now`. */
  used(now: number): number {
    this.forget(now);
    return this.sent.length;
  }

  private forget(now: number): void {
    while (this.sent.length > 0 && this.sent[0]! <= now - BUDGET_WINDOW_MS) this.sent.shift();
  }
}
