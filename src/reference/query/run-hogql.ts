// HogQL text → rows in PostHog's shape: parse, compile, run the one prepared statement, decode
// the cells (times as ISO strings, properties with their JSON types), and say truthfully whether
// more rows exist when the query has no LIMIT (the statement then fetches one more). Synchronous, like the driver.

import { performance } from 'node:perf_hooks';
import { debuglog } from 'node:util';

import { compileHogQL, type CompileContext } from './compile-hogql.js';
import type { CellDecoder } from './hogql-schema.js';
import { formatHogQLTime } from './hogql-time.js';
import type { HogQLParser } from './parse-hogql.js';
import type { StatementCache } from './statement-cache.js';

const debug = debuglog('ingestbench:query');

/** PostHog's `timings`: seconds per step, `.` for the whole. */
export interface QueryTiming {
  readonly k: string;
  readonly t: number;
}

export interface HogQLResult {
  readonly results: unknown[][];
  readonly columns: readonly string[];
  readonly types: readonly (readonly [string, string])[];
  /** Only for a query without LIMIT, as in PostHog. */
  readonly hasMore?: boolean;
  readonly limit: number;
  readonly offset: number;
  readonly timings: readonly QueryTiming[];
}

export function runHogQL(
  statements: StatementCache,
  parser: HogQLParser,
  text: string,
  ctx: CompileContext,
): HogQLResult {
  const started = performance.now();
  const parsed = parser.parseSelect(text);
  const afterParse = performance.now();
  const compiled = compileHogQL(parsed, ctx);
  const afterCompile = performance.now();
  const rows = statements.get(compiled.sql).all(...compiled.params);
  const afterExecute = performance.now();

  const hasMore = compiled.paginated && rows.length > compiled.limit;
  if (hasMore) rows.length = compiled.limit;
  const { cells } = compiled;
  for (const row of rows) {
    for (let i = 0; i < cells.length; i += 1) row[i] = decodeCell(cells[i]!, row[i]);
  }
  const finished = performance.now();
  debug(
    '%d rows (hasMore %s) in %d ms: %s',
    rows.length,
    compiled.paginated ? hasMore : 'n/a',
    Math.round(finished - started),
    compiled.sql,
  );
  const seconds = (ms: number): number => Math.round(ms * 1000) / 1e6;
  return {
    results: rows,
    columns: compiled.columns,
    types: compiled.types,
    ...(compiled.paginated ? { hasMore } : {}),
    limit: compiled.limit,
    offset: compiled.offset,
    timings: [
      { k: './parse', t: seconds(afterParse - started) },
      { k: './compile', t: seconds(afterCompile - afterParse) },
      { k: './execute', t: seconds(afterExecute - afterCompile) },
      { k: './decode', t: seconds(finished - afterExecute) },
      { k: '.', t: seconds(finished - started) },
    ],
  };
}

function decodeCell(cell: CellDecoder, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (cell) {
    case 'raw':
      return value;
    case 'time':
      return typeof value === 'number' ? formatHogQLTime(value) : value;
    case 'json':
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  }
}
