// A parsed HogQL SELECT → one SQLite statement, its bound parameters, and how to present the
// rows as PostHog does (column names, ClickHouse types, cell decoding). Pure: no database here.
//
// The subset is what the harness and its tests send, and no more: the harness's rows, counts,
// buckets, drill-down, preflight and probe queries (src/observe/poll-queries.ts, counts-queries.ts,
// src/targets/probe-preflight.ts; each is run here by test/reference/query/harness-queries.test.ts),
// and what benches and tests ask besides: `timestamp >= '…'` (a string as a time), `event = '…'`,
// IN lists, `NOT`, count(*)/count(x), count(DISTINCT properties.x), GROUP BY columns and
// properties, ORDER BY … DESC, no LIMIT (hasMore), person.properties.<name>.
//
// So:
//   SELECT  columns uuid, event, distinct_id, timestamp, created_at, inserted_at, properties,
//           person_id, person_mode, person_properties; properties.<name> (also `properties.$x`,
//           properties['a b'], nested a.b, an `events.` prefix); person.properties.<name> =
//           person_properties.<name>; count(), count(*), count(x), count(DISTINCT x),
//           toDateTime('…'), toStartOfInterval(t, INTERVAL n SECOND|MINUTE|HOUR|DAY|WEEK); AS alias
//   FROM    events only, without an alias
//   WHERE   AND, OR, NOT, ( ), = != < <= > >= (a property with = and != only), [NOT] IN
//           (literals), string and number literals
//   GROUP BY / ORDER BY … ASC|DESC / LIMIT (default 100, capped at 50,000); OFFSET is refused, as
//   PostHog refuses it from a personal API key (every query here is)
// Anything else PostHog's grammar accepts is a 400 naming what is unsupported (hogql-error.ts):
// other functions (uniq, min, max, now, intDiv, toInt, toUnixTimestamp, …), BETWEEN, tuple
// comparisons, arithmetic (time ± INTERVAL), NULL and IS [NOT] NULL, true/false, ordering a
// property, a table alias, JOIN, UNION, HAVING, LIKE, subqueries, …
//
// Every statement is scoped to the path's project (`events.team_id = ?`) and sorts NULLs last.
// Without LIMIT it fetches one row more than the default, so hasMore is true only when another
// row exists.

import type { Expr, SelectQuery } from './hogql-ast.js';
import { offsetRefused, queryError } from './hogql-error.js';
import { compileCondition, compileExpr } from './compile-expression.js';
import { TIMESTAMP_SQL, type CompiledExpr, type ExprScope, type SqlParam } from './compiled-expr.js';
import { JSON_COLUMN_SQL, type CellDecoder } from './hogql-schema.js';
import { printHogQL } from './print-hogql.js';

/** HogQL's default LIMIT for the query API (DEFAULT_RETURNED_ROWS). */
export const DEFAULT_LIMIT = 100;
/** HogQL's largest LIMIT (MAX_SELECT_RETURNED_ROWS); a larger one is lowered to it, as in PostHog. */
export const MAX_LIMIT = 50_000;

export interface CompileContext {
  /** The project (team) id from the request path: every row read belongs to it. */
  readonly projectId: number;
  /**
   * Unix ms when the query runs. No supported function reads it (now() is refused); it stays in
   * the context that the query handler and the worker protocol pass.
   */
  readonly now: number;
}

export interface CompiledHogQL {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  readonly columns: readonly string[];
  /** `[column, ClickHouse type]` pairs, as PostHog returns `types`. */
  readonly types: readonly (readonly [string, string])[];
  readonly cells: readonly CellDecoder[];
  readonly limit: number;
  readonly offset: number;
  /** No LIMIT was written: the statement fetches one row more, and the answer carries hasMore. */
  readonly paginated: boolean;
}

export function compileHogQL(query: SelectQuery, ctx: CompileContext): CompiledHogQL {
  const aliases = new Map<string, Expr>();
  for (const item of query.select) {
    if (item.alias === null) continue;
    if (aliases.has(item.alias))
      throw queryError(`The alias ${item.alias} is defined twice`, item.expr.start);
    aliases.set(item.alias, item.expr);
  }
  const scope: ExprScope = {
    aliases,
    expanding: new Set(),
    allowAggregates: true,
  };
  const noAggregates: ExprScope = { ...scope, allowAggregates: false };
  const select = query.select.map((item) => output(compileExpr(item.expr, scope)));
  const columns = query.select.map((item) => item.alias ?? columnName(item.expr));
  const where = query.where === null ? null : compileCondition(query.where, noAggregates, 'WHERE');

  const groupKeys = new Set<string>();
  const groupBy = query.groupBy.map((expr) => {
    const alias = aliasOf(expr, query);
    groupKeys.add(printHogQL(alias?.expr ?? expr));
    // Compiled even when it is an alias: that refuses an aliased aggregate (GROUP BY count()).
    const compiled = output(compileExpr(expr, noAggregates));
    // The SQL names result columns c0, c1, …: aliases are user text and never reach the SQL.
    if (alias !== null) return { sql: `c${alias.index}`, params: [] };
    if (compiled.constant !== null) {
      throw queryError(
        `GROUP BY a constant (${printHogQL(expr)}) is not allowed; name a column or alias`,
        expr.start,
      );
    }
    return compiled;
  });

  const orderBy = query.orderBy.map(({ expr, direction }) => {
    // An alias is compiled to its expression, not to its result column: a property is selected as
    // JSON text, and ordering that text would put "10" before "9".
    const compiled = compileExpr(expr, scope);
    if (compiled.constant !== null) {
      throw queryError(
        `ORDER BY a constant (${printHogQL(expr)}) is not allowed; name a column or alias`,
        expr.start,
      );
    }
    // ClickHouse sorts NULLs last in both directions; SQLite sorts them first by default. A NOT
    // NULL column gets no NULLS clause, which keeps the index usable for ORDER BY timestamp.
    const nulls = compiled.nullable ? ' NULLS LAST' : '';
    return {
      sql: `${compiled.sql} ${direction}${nulls}`,
      params: compiled.params,
      aggregate: compiled.aggregate,
      byTimestamp: compiled.sql === TIMESTAMP_SQL,
    };
  });

  const aggregated =
    groupBy.length > 0 || select.some((c) => c.aggregate) || orderBy.some((o) => o.aggregate);
  if (aggregated) {
    query.select.forEach((item, i) => {
      const compiled = select[i]!;
      if (compiled.aggregate || compiled.constant !== null || groupKeys.has(printHogQL(item.expr))) return;
      throw queryError(
        `${printHogQL(item.expr)} must be in GROUP BY or inside an aggregate function such as count() or max()`,
        item.expr.start,
      );
    });
  }

  // SQLite has no statistics on this store (nobody runs ANALYZE on a file being written), so for
  // `team_id = ?` alone it would walk the (team_id, timestamp) index and look up every row: more
  // work than a plain scan when one project owns most rows, the reference target's usual case.
  // The index is kept where it pays: a time range in WHERE, or ORDER BY timestamp first.
  const team =
    where?.timeRange === true || orderBy[0]?.byTimestamp === true ? 'events.team_id' : '+events.team_id';

  if (query.offset !== null) throw offsetRefused(query.offsetStart ?? null);
  // As PostHog's HogQL runner: only a query without LIMIT is paginated (default 100 rows, one
  // more fetched to compute hasMore); an explicit LIMIT is clamped and says nothing about more.
  const paginated = query.limit === null;
  const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const offset = 0;
  const parts = [
    `SELECT ${select.map((c, i) => `${c.sql} AS c${i}`).join(', ')} FROM events WHERE ${team} = ?`,
    where === null ? '' : ` AND ${where.sql}`,
    groupBy.length === 0 ? '' : ` GROUP BY ${groupBy.map((g) => g.sql).join(', ')}`,
    orderBy.length === 0 ? '' : ` ORDER BY ${orderBy.map((o) => o.sql).join(', ')}`,
    ' LIMIT ? OFFSET ?',
  ];
  const params: SqlParam[] = [
    ...select.flatMap((c) => c.params),
    ctx.projectId,
    ...(where?.params ?? []),
    ...groupBy.flatMap((g) => g.params),
    ...orderBy.flatMap((o) => o.params),
    paginated ? limit + 1 : limit,
    offset,
  ];
  return {
    sql: parts.join(''),
    params,
    columns,
    types: columns.map((name, i) => [name, select[i]!.type] as const),
    cells: select.map((c) => c.cell),
    limit,
    offset,
    paginated,
  };
}

/**
 * A property selected or grouped on its own is read as JSON text (`->`) and parsed back, so the
 * cell keeps its JSON type exactly (true stays true, "1" stays a string) and groups do not merge
 * values that SQLite would (json_extract reads true as 1).
 */
function output(compiled: CompiledExpr): CompiledExpr {
  if (compiled.property === null) return compiled;
  const { column, path } = compiled.property;
  return { ...compiled, sql: `(${JSON_COLUMN_SQL[column]} -> ?)`, params: [path], cell: 'json' };
}

/** The SELECT item a bare name refers to, when it is an alias. */
function aliasOf(expr: Expr, query: SelectQuery): { expr: Expr; index: number } | null {
  if (expr.type !== 'field' || expr.chain.length !== 1) return null;
  const index = query.select.findIndex((item) => item.alias === expr.chain[0]);
  const item = query.select[index];
  return item === undefined ? null : { expr: item.expr, index };
}

/**
 * The column name PostHog gives an unaliased expression: a column's name, a property's path
 * joined by `__` (`properties.$browser` → `$browser`), else the expression as HogQL.
 */
function columnName(expr: Expr): string {
  if (expr.type !== 'field') return printHogQL(expr);
  let chain = expr.chain;
  if (chain.length > 1 && chain[0] === 'events') chain = chain.slice(1);
  if (chain[0] === 'person' && chain[1] === 'properties' && chain.length > 2)
    return chain.slice(2).join('__');
  if ((chain[0] === 'properties' || chain[0] === 'person_properties') && chain.length > 1)
    return chain.slice(1).join('__');
  return chain[chain.length - 1] ?? printHogQL(expr);
}
