// PostHog's query throttles, keyed as PostHog keys them: on the hashed personal API key
// (PersonalApiKeyRateThrottle), so every project read with one key shares its windows. A sliding
// log of accepted queries per key (core/sliding-log.ts), as Django REST framework's
// SimpleRateThrottle keeps it (posthog/rate_limit.py builds on it). A query is refused when either
// window holds its quota; the refusal says how many seconds until the oldest entry of the full
// window leaves it (for the hourly window, up to an hour), which is what DRF puts in Retry-After.
// Refused queries are not logged, as in DRF. Pure: the clock is passed in, so a test can walk
// through an hour in microseconds.

import { HOUR_MS, MINUTE_MS, SlidingLog } from '../../core/sliding-log.js';

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
  // Accepted query times per key; only the longest window's span is kept.
  const logs = new Map<string, SlidingLog>();

  return {
    admit(key) {
      if (active.length === 0) return { ok: true };
      const t = now();
      let log = logs.get(key);
      if (log === undefined) logs.set(key, (log = new SlidingLog(longest)));
      let refusal: ThrottleDecision | null = null;
      for (const w of active) {
        const waitMs = log.waitMs(t, w.ms, w.quota);
        if (waitMs === 0) continue;
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        if (refusal === null || refusal.ok || seconds > refusal.retryAfterSeconds)
          refusal = { ok: false, window: w.name, retryAfterSeconds: seconds };
      }
      if (refusal !== null) return refusal;
      log.record(t);
      return { ok: true };
    },
  };
}
