// One logical query for the poller: this run's rows in some timestamp ranges, read page by page,
// folded into uuid → (rows, arrival of the first page that held it, created_at).
//
// Paging is keyset only, on (timestamp, uuid): never OFFSET, which PostHog refuses with a personal
// API key and which shifts rows between pages as new ones arrive. PostHog sends no `hasMore` when
// the query has a LIMIT (the poller always sets one), so a page as long as its LIMIT means "maybe
// more" and another page is asked for; `hasMore` is honoured too where a target does send it.
// The cut is inclusive of the last row's key, so the copies of a row stored twice are never split
// across pages; the rows of the previous page's last millisecond are remembered and their re-read
// copies skipped (this also covers timestamps finer than the millisecond the cut is written in).

import { parseHogqlDateTime } from './hogql-literal.js';
import { MAX_QUERY_LIMIT, rowsQuery, type KeysetCursor, type TimeRange } from './poll-queries.js';
import { QueryError, type QueryClient, type QueryOptions } from './query-client.js';
import type { SeenRow } from './visibility-tracker.js';

export interface FetchRowsOptions {
  readonly client: QueryClient;
  readonly runId: string;
  readonly ranges: readonly TimeRange[];
  /** Rows per page (LIMIT), at most PostHog's 50,000. */
  readonly pageSize: number;
  /** Passed to every page's query (deadline, signal). */
  readonly query?: QueryOptions;
  /**
   * Called after each page with the uuids it held (their totals so far), so what a long fetch
   * has read counts even when a later page fails (budget, deadline).
   */
  readonly onPage?: (rows: ReadonlyMap<string, SeenRow>, rowsOnPage: number) => void;
}

export interface FetchedRows {
  readonly rows: Map<string, SeenRow>;
  readonly pages: number;
  /** Rows the query API returned, re-read ones included (what the fetch cost). */
  readonly rowsRead: number;
}

export async function fetchRows(opts: FetchRowsOptions): Promise<FetchedRows> {
  const { client, runId, ranges } = opts;
  const pageSize = Math.min(MAX_QUERY_LIMIT, opts.pageSize);
  const rows = new Map<string, SeenRow>();
  let after: KeysetCursor | undefined;
  /** Rows of the previous page's last millisecond: key → copies read (to skip when re-read). */
  let tail = new Map<string, number>();
  let rowsRead = 0;
  for (let pages = 1; ; pages += 1) {
    const res = await client.query(
      rowsQuery({ runId, ranges, ...(after ? { after } : {}), limit: pageSize }),
      opts.query ?? {},
    );
    const page = res.results;
    rowsRead += page.length;
    let fresh = 0;
    const touched = new Map<string, SeenRow>();
    for (const row of page) {
      const uuid = row[0];
      if (typeof uuid !== 'string') continue;
      const key = `${String(row[1])}|${uuid}`;
      const already = tail.get(key) ?? 0;
      if (already > 0) {
        tail.set(key, already - 1);
        continue;
      }
      fresh += 1;
      const known = rows.get(uuid);
      const now: SeenRow = known
        ? { ...known, rows: known.rows + 1 }
        : { rows: 1, at: res.receivedAt, createdAt: parseHogqlDateTime(row[2]) };
      rows.set(uuid, now);
      touched.set(uuid, now);
    }
    opts.onPage?.(touched, page.length);
    const full = page.length >= pageSize || res.hasMore;
    if (!full || page.length === 0) return { rows, pages, rowsRead };
    const last = page.at(-1)!;
    const lastMs = parseHogqlDateTime(last[1]);
    if (lastMs === null || typeof last[0] !== 'string' || (fresh === 0 && after !== undefined)) {
      // Unreadable keys, or a page that added nothing: the cut cannot move forward.
      throw new QueryError(
        'QUERY_ANSWER_INVALID',
        `the query API returned a full page of ${page.length} rows that keyset paging cannot move past ` +
          `(timestamp ${String(last[1])}); does it honour ORDER BY timestamp, uuid?`,
        200,
      );
    }
    after = { ms: lastMs, uuid: last[0] };
    const lastMilli = Math.floor(lastMs);
    tail = new Map();
    for (const row of page) {
      const ms = parseHogqlDateTime(row[1]);
      if (ms === null || Math.floor(ms) !== lastMilli || typeof row[0] !== 'string') continue;
      const key = `${String(row[1])}|${row[0]}`;
      tail.set(key, (tail.get(key) ?? 0) + 1);
    }
  }
}
