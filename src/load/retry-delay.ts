// How long to wait before retrying a 429 or 503, as the PostHog SDKs do: the server's Retry-After
// when it gives one (seconds or an HTTP date), else exponential back-off with jitter so that
// workers rejected together do not all come back together.

import { parseRetryAfter } from '../http/retry-after.js';

export const RETRY_BASE_MS = 200;
/** A Retry-After longer than this is cut to it: the run has a schedule to keep. */
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * @param attempt retries already made for this batch (0 before the first retry)
 * @param jitter uniform draw in [0, 1)
 * @param maxMs the load side's cap on any one wait (default MAX_RETRY_DELAY_MS)
 */
export function retryDelayMs(
  retryAfter: string | undefined,
  attempt: number,
  jitter: number,
  nowMs: number,
  maxMs: number = MAX_RETRY_DELAY_MS,
): number {
  const told = parseRetryAfter(retryAfter, nowMs);
  const delay = told ?? RETRY_BASE_MS * 2 ** attempt * (0.5 + jitter / 2);
  return Math.min(maxMs, Math.max(0, delay));
}
