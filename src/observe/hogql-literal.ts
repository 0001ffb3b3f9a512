// Literals the poller splices into HogQL. Every value that reaches a query string goes through
// here: run ids come from the command line or a scenario file, and a quote in one must not change
// the query (or let it read another run's rows). The escapes are the ones HogQL's own printer
// emits (posthog/hogql/escape_sql.py), which ClickHouse and the reference target both parse.

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
  '\x07': '\\a',
};

/** A HogQL single-quoted string literal holding exactly `value`. */
export function hogqlLiteral(value: string): string {
  let out = "'";
  for (const c of value) out += ESCAPES[c] ?? c;
  return `${out}'`;
}

/**
 * A DateTime literal at millisecond precision. ISO 8601 with `Z` because HogQL's toDateTime is
 * parseDateTime64BestEffort (timezone explicit, so the project's timezone cannot shift it).
 */
export function hogqlDateTime(unixMs: number): string {
  if (!Number.isFinite(unixMs)) throw new RangeError(`not a time: ${unixMs}`);
  return `toDateTime(${hogqlLiteral(new Date(Math.floor(unixMs)).toISOString())})`;
}

/** Parse a DateTime cell as the query API returns it ("2026-01-02T03:04:05.678000Z", "… +00:00"). */
export function parseHogqlDateTime(cell: unknown): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (typeof cell !== 'string') return null;
  // Date.parse keeps at most milliseconds; trim longer fractions so every runtime accepts them.
  const trimmed = cell.replace(/(\.\d{3})\d+/, '$1').replace(' ', 'T');
  const withZone = /(Z|[+-]\d\d:?\d\d)$/.test(trimmed) ? trimmed : `${trimmed}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms;
}
