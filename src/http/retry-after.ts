// Retry-After (RFC 9110 §10.2.3) as both sides of the harness read it: the load side when capture
// answers 429/503, the query client when the query API throttles. It lives below both stages so
// there is one reading of the header. The parser does not cap: the cap is a caller's policy.
//   - load (load/retry-delay.ts): waits at most its own cap (an argument), the run has a schedule.
//   - observe (observe/query-client.ts): never waits past the drain deadline; a Retry-After that
//     ends after it is not waited at all (PostHog's hourly throttle can say "most of an hour").

/** Retry-After in ms from `nowMs` (delay-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
