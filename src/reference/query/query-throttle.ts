// PostHog's query throttles, keyed as PostHog keys them: on the hashed personal API key
// (PersonalApiKeyRateThrottle), so every project read with one key shares its windows. A sliding log of accepted queries per window, as
// Django REST framework's SimpleRateThrottle keeps it (posthog/rate_limit.py builds on it). A
// query is refused when either window holds its quota; the refusal says how many seconds until
// the oldest entry of the full window leaves it (for the hourly window, up to an hour), which
// is what DRF puts in Retry-After. Refused queries are not logged, as in DRF. Pure: the clock
// is passed in, so a test can walk through an hour in microseconds.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export type ThrottleDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly window: 'minute' | 'hour'; readonly retryAfterSeconds: number };

export interface QueryThrottle {
  /** Admit one query counted against `key` (a digest of the personal key) now, or say which window refuses it. */
  admit(key: string): ThrottleDecision;
}

export function createQueryThrottle(
  limits: { readonly perMinute: number; readonly perHour: number },
  now: () => number,
): QueryThrottle {
  const windows = [
    { name: 'minute', quota: limits.perMinute, ms: MINUTE_MS },
    { name: 'hour', quota: limits.perHour, ms: HOUR_MS },
  ] as const;
  const active = windows.filter((w) => Number.isFinite(w.quota));
  const longest = Math.max(0, ...active.map((w) => w.ms));
  // Accepted query times per key, oldest first; only the longest window's span is kept.
  const logs = new Map<string, { times: number[]; head: number }>();

  return {
    admit(key) {
      if (active.length === 0) return { ok: true };
      const t = now();
      let log = logs.get(key);
      if (log === undefined) logs.set(key, (log = { times: [], head: 0 }));
      while (log.head < log.times.length && log.times[log.head]! <= t - longest) log.head += 1;
      // Compact now and then, so the log does not grow without bound over a long run.
      if (log.head > 4_096 && log.head * 2 > log.times.length) {
        log.times = log.times.slice(log.head);
        log.head = 0;
      }
      let refusal: ThrottleDecision | null = null;
      for (const w of active) {
        const inWindow = countAfter(log.times, log.head, t - w.ms);
        if (inWindow < w.quota) continue;
        // The entry whose expiry frees a slot: the quota-th newest one.
        const freeing = log.times[log.times.length - w.quota]!;
        const seconds = Math.max(1, Math.ceil((freeing + w.ms - t) / 1000));
        if (refusal === null || refusal.ok || seconds > refusal.retryAfterSeconds)
          refusal = { ok: false, window: w.name, retryAfterSeconds: seconds };
      }
      if (refusal !== null) return refusal;
      // Kept sorted even if the clock steps back, so the binary search stays right.
      log.times.push(Math.max(t, log.times[log.times.length - 1] ?? t));
      return { ok: true };
    },
  };
}

/** Entries of the sorted `times[head…]` strictly after `after` (binary search). */
function countAfter(times: readonly number[], head: number, after: number): number {
  let lo = head;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return times.length - lo;
}
