// The HogQL the poller sends, as pure builders. Only HogQL that real PostHog accepts: `events`
// columns uuid/timestamp/created_at, `properties.x`, count(), count(DISTINCT …), AND/OR, toDateTime('…'),
// ORDER BY and LIMIT ≤ 50,000. Never OFFSET: PostHog refuses it with a personal API key (400,
// "use keyset pagination"). No inserted_at (PostHog's HogQL does not expose it).

import { hogqlDateTime, hogqlLiteral } from './hogql-literal.js';

/** PostHog's maximum HogQL LIMIT. */
export const MAX_QUERY_LIMIT = 50_000;

/** A half-open timestamp range [fromMs, toMs), unix ms. */
export type TimeRange = readonly [fromMs: number, toMs: number];

export interface RowsQuery {
  readonly runId: string;
  /** Rows whose timestamp falls in any of these ranges (at least one). */
  readonly ranges: readonly TimeRange[];
  /**
   * Keyset cut for the pages after the first: only rows at or after (timestamp, uuid) in the
   * query's order. Inclusive, so the copies of a row delivered twice are never split by a page
   * boundary (the caller drops the rows of this key that it already read).
   */
  readonly after?: KeysetCursor;
  readonly limit: number;
}

/** A row's place in (timestamp, uuid) order: its timestamp as returned (ms) and its uuid. */
export interface KeysetCursor {
  readonly ms: number;
  readonly uuid: string;
}

/**
 * Rows of this run in some timestamp ranges, in (timestamp, uuid) order so pages are cut by that
 * key (keyset paging): rows that arrive between pages neither shift a row onto two pages nor push
 * one off, as OFFSET would.
 */
export function rowsQuery(q: RowsQuery): string {
  if (q.ranges.length === 0) throw new RangeError('rowsQuery needs at least one time range');
  const ranges = q.ranges.map(
    ([from, to]) => `(timestamp >= ${hogqlDateTime(from)} AND timestamp < ${hogqlDateTime(to)})`,
  );
  const where = [
    `properties.ingestbench_run = ${hogqlLiteral(q.runId)}`,
    ranges.length === 1 ? ranges[0]! : `(${ranges.join(' OR ')})`,
  ];
  if (q.after !== undefined) {
    const at = hogqlDateTime(q.after.ms);
    where.push(`(timestamp > ${at} OR (timestamp = ${at} AND uuid >= ${hogqlLiteral(q.after.uuid)}))`);
  }
  if (!(Number.isInteger(q.limit) && q.limit >= 1 && q.limit <= MAX_QUERY_LIMIT))
    throw new RangeError(`LIMIT must be 1 to ${MAX_QUERY_LIMIT}, got ${q.limit}`);
  return `SELECT uuid, timestamp, created_at FROM events WHERE ${where.join(' AND ')} ORDER BY timestamp ASC, uuid ASC LIMIT ${q.limit}`;
}

/**
 * Exact totals per class, for duplicates (rows − distinct uuids) at the end of a run. Bounded to
 * the run's time range: without a bound PostHog scans the project's whole history for the run id
 * and a big project hits the 10 s execution limit.
 */
export function countsQuery(runId: string, range: TimeRange): string {
  return (
    'SELECT properties.ingestbench_class AS event_class, count() AS row_count, count(DISTINCT uuid) AS uuid_count ' +
    `FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} ` +
    `AND timestamp >= ${hogqlDateTime(range[0])} AND timestamp < ${hogqlDateTime(range[1])} ` +
    'GROUP BY properties.ingestbench_class'
  );
}

/** A cheap query PostHog accepts, to prove URL, project and key before any load is sent. */
export function preflightQuery(sinceMs: number): string {
  return `SELECT count() FROM events WHERE timestamp >= ${hogqlDateTime(sinceMs)}`;
}
