// One logical query for the poller: this run's rows in some timestamp ranges, read page by page,
// folded into uuid → (rows, arrival of the first page that held it, created_at).
//
// Paging: LIMIT pageSize with `hasMore`, cut by timestamp (keyset) rather than OFFSET, so rows
// that arrive between pages neither shift a row onto two pages (a false duplicate) nor push one
// off; OFFSET only inside a single millisecond that holds more than a page of rows.

import { parseHogqlDateTime } from './hogql-literal.js';
import { MAX_QUERY_LIMIT, rowsQuery, type TimeRange } from './poll-queries.js';
import { QueryError, type QueryClient } from './query-client.js';
import type { SeenRow } from './visibility-tracker.js';

/** 1,000 pages of 50,000 rows: far beyond any window a poll should read. */
const MAX_PAGES = 1000;

export interface FetchRowsOptions {
  readonly client: QueryClient;
  readonly runId: string;
  readonly ranges: readonly TimeRange[];
  /** Rows per page (LIMIT), at most PostHog's 50,000. */
  readonly pageSize: number;
}

export async function fetchRows(opts: FetchRowsOptions): Promise<Map<string, SeenRow>> {
  const { client, runId, ranges } = opts;
  const pageSize = Math.min(MAX_QUERY_LIMIT, opts.pageSize);
  const rows = new Map<string, SeenRow>();
  const take = (row: readonly unknown[], receivedAt: number): void => {
    const uuid = row[0];
    if (typeof uuid !== 'string') return;
    const known = rows.get(uuid);
    rows.set(
      uuid,
      known
        ? { ...known, rows: known.rows + 1 }
        : { rows: 1, at: receivedAt, createdAt: parseHogqlDateTime(row[2]) },
    );
  };
  let fromMs: number | undefined;
  let offset = 0;
  for (let pages = 1; ; pages += 1) {
    if (pages > MAX_PAGES) {
      // Keyset cuts always move forward, so this means OFFSET is ignored or hasMore never ends.
      throw new QueryError(
        'TARGET_REFUSED',
        `the query API kept answering hasMore after ${MAX_PAGES} pages of ${pageSize} rows; does it honour LIMIT/OFFSET?`,
        200,
        false,
      );
    }
    const res = await client.query(
      rowsQuery({ runId, ranges, ...(fromMs === undefined ? {} : { fromMs }), limit: pageSize, offset }),
    );
    const page = res.results;
    if (!res.hasMore || page.length === 0) {
      for (const row of page) take(row, res.receivedAt);
      return rows;
    }
    const first = parseHogqlDateTime(page[0]![1]);
    const last = parseHogqlDateTime(page.at(-1)![1]);
    if (first === null || last === null || first === last) {
      // One millisecond holds the whole page (or timestamps are unreadable): page by OFFSET.
      for (const row of page) take(row, res.receivedAt);
      offset += page.length;
      continue;
    }
    // Keep rows before the page's last millisecond; the next page starts at that millisecond.
    for (const row of page) if ((parseHogqlDateTime(row[1]) ?? last) < last) take(row, res.receivedAt);
    fromMs = last;
    offset = 0;
  }
}
