// PostHog turns ids it reads from properties (`alias`, `$anon_distinct_id`, `$group_key`) into
// strings with JavaScript's String(): an object becomes "[object Object]", which is why that value
// is on the illegal distinct id list. The reference target does the same, on purpose.

export function postHogString(value: unknown): string {
  return String(value);
}
