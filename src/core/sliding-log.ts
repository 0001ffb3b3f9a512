// A sliding log of event times: what a rate limit counted per window keeps, rather than a token
// bucket (a bucket of N tokens refilling at N/min lets 2N through in the minute that straddles a
// full bucket, and PostHog's throttles count per window, as Django REST framework's
// SimpleRateThrottle keeps its history). Both sides of the query API use it: the harness's query
// budget (observe/query-budget.ts) to wait before PostHog would refuse, and the reference target's
// throttle (reference/query/query-throttle.ts) to refuse as PostHog does. Pure: times are passed in.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export class SlidingLog {
  #times: number[] = [];
  #head = 0;

  /** `spanMs`: the longest window anything asks about; older entries are forgotten. */
  constructor(readonly spanMs: number) {}

  /** Record one event at `now` (kept sorted even if a clock steps back). */
  record(now: number): void {
    this.#forget(now);
    const last = this.#times[this.#times.length - 1];
    this.#times.push(last === undefined ? now : Math.max(now, last));
  }

  /** Events in the window of `windowMs` ending at `now` (an entry exactly windowMs old has left). */
  count(now: number, windowMs: number): number {
    this.#forget(now);
    const after = now - windowMs;
    let lo = this.#head;
    let hi = this.#times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#times[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.#times.length - lo;
  }

  /**
   * Milliseconds from `now` until a window of `windowMs` holding at most `quota` events has room
   * for one more: 0 when it has room now, else when its quota-th newest entry leaves it.
   */
  waitMs(now: number, windowMs: number, quota: number): number {
    if (!Number.isFinite(quota) || this.count(now, windowMs) < quota) return 0;
    return this.#times[this.#times.length - quota]! + windowMs - now;
  }

  /** The times inside the window of `windowMs` ending at `now`, oldest first. */
  times(now: number, windowMs: number): number[] {
    return this.#times.slice(this.#times.length - this.count(now, windowMs));
  }

  #forget(now: number): void {
    while (this.#head < this.#times.length && this.#times[this.#head]! <= now - this.spanMs) this.#head += 1;
    // Compact now and then rather than shift() each time (an hour's log holds thousands).
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }
}
