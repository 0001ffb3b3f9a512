// The HogQL the poller sends, as pure builders. Only HogQL that real PostHog accepts: `events`
// columns uuid/timestamp/created_at, `properties.x`, count(), count(DISTINCT …), AND/OR, toDateTime('…'),
// ORDER BY, LIMIT ≤ 50,000 and OFFSET. No inserted_at (PostHog's HogQL does not expose it).

import { hogqlDateTime, hogqlLiteral } from './hogql-literal.js';

/** PostHog's maximum HogQL LIMIT. */
export const MAX_QUERY_LIMIT = 50_000;

/** A half-open timestamp range [fromMs, toMs), unix ms. */
export type TimeRange = readonly [fromMs: number, toMs: number];

export interface RowsQuery {
  readonly runId: string;
  /** Rows whose timestamp falls in any of these ranges (at least one). */
  readonly ranges: readonly TimeRange[];
  /** Keyset cut: only rows with timestamp >= this (ms), for the pages after the first. */
  readonly fromMs?: number;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Rows of this run in some timestamp ranges, in (timestamp, uuid) order so pages can be cut by
 * timestamp (keyset paging) instead of by OFFSET alone, which would shift as rows arrive.
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
  if (q.fromMs !== undefined) where.push(`timestamp >= ${hogqlDateTime(q.fromMs)}`);
  const offset = q.offset > 0 ? ` OFFSET ${q.offset}` : '';
  return `SELECT uuid, timestamp, created_at FROM events WHERE ${where.join(' AND ')} ORDER BY timestamp ASC, uuid ASC LIMIT ${q.limit}${offset}`;
}

/** Exact totals per class, for duplicates (rows − distinct uuids) at the end of a run. */
export function countsQuery(runId: string): string {
  return (
    'SELECT properties.ingestbench_class AS event_class, count() AS row_count, count(DISTINCT uuid) AS uuid_count ' +
    `FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} GROUP BY properties.ingestbench_class`
  );
}

/** A cheap query PostHog accepts, to prove URL, project and key before any load is sent. */
export function preflightQuery(sinceMs: number): string {
  return `SELECT count() FROM events WHERE timestamp >= ${hogqlDateTime(sinceMs)}`;
}
