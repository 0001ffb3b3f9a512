// The HogQL of counts observation, as pure builders. Each answer is a few rows per time bucket,
// however many events the bucket holds, so the query cost does not grow with the event rate.
// Only what PostHog's grammar and the reference target both accept: toStartOfInterval(timestamp,
// INTERVAL n SECOND), count(), count(DISTINCT uuid), GROUP BY aliases, an explicit LIMIT (which
// PostHog clamps to 50,000 and answers without hasMore: callers keep their answers below it) and
// keyset cuts (`uuid > '…'`), never OFFSET.

import { hogqlDateTime, hogqlLiteral } from './hogql-literal.js';
import type { TimeRange } from './poll-queries.js';

/** PostHog's LIMIT cap; a counts answer has 2 rows per bucket, so this many buckets fit in one. */
export const MAX_COUNT_ROWS = 50_000;
export const MAX_BUCKETS_PER_QUERY = 20_000;

function rangeFilter(ranges: readonly TimeRange[]): string {
  if (ranges.length === 0) throw new RangeError('a counts query needs at least one time range');
  const parts = ranges.map(
    ([from, to]) => `(timestamp >= ${hogqlDateTime(from)} AND timestamp < ${hogqlDateTime(to)})`,
  );
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/**
 * Per class and intended-time bucket of the given ranges: rows and distinct uuids. Columns:
 * event_class, bucket (a DateTime, the bucket's start), row_count, uuid_count.
 */
export function bucketCountsQuery(runId: string, bucketMs: number, ranges: readonly TimeRange[]): string {
  if (!(Number.isInteger(bucketMs / 1000) && bucketMs >= 1000))
    throw new RangeError(`bucket must be whole seconds, got ${bucketMs} ms`);
  return (
    'SELECT properties.ingestbench_class AS event_class, ' +
    `toStartOfInterval(timestamp, INTERVAL ${bucketMs / 1000} SECOND) AS bucket, ` +
    'count() AS row_count, count(DISTINCT uuid) AS uuid_count FROM events ' +
    `WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} AND ${rangeFilter(ranges)} ` +
    `GROUP BY event_class, bucket ORDER BY bucket ASC LIMIT ${MAX_COUNT_ROWS}`
  );
}

/**
 * Per class over one time range (the run's): rows and distinct uuids, 2 rows at most. Columns:
 * event_class, row_count, uuid_count. The final check of counts observation: when these equal
 * the sums of the last per-bucket answers, every bucket's counts are final (they only grow).
 */
export function classCountsQuery(runId: string, range: TimeRange): string {
  return (
    'SELECT properties.ingestbench_class AS event_class, count() AS row_count, count(DISTINCT uuid) AS uuid_count ' +
    `FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} AND ${rangeFilter([range])} ` +
    'GROUP BY event_class LIMIT 10'
  );
}

/**
 * Distinct uuids of this run in one time range, in uuid order, after `afterUuid` (keyset paging:
 * a page as long as its LIMIT means "maybe more"). The drill-down into a short bucket: each uuid
 * carries its worker and sequence, which names the events that are missing.
 */
export function bucketUuidsQuery(
  runId: string,
  range: TimeRange,
  limit: number,
  afterUuid: string | null,
): string {
  const after = afterUuid === null ? '' : ` AND uuid > ${hogqlLiteral(afterUuid)}`;
  return (
    `SELECT uuid FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} ` +
    `AND ${rangeFilter([range])}${after} GROUP BY uuid ORDER BY uuid ASC LIMIT ${Math.min(limit, MAX_COUNT_ROWS)}`
  );
}
