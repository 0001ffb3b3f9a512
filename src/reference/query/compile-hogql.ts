// A parsed HogQL SELECT → one SQLite statement, its bound parameters, and how to present the
// rows as PostHog does (column names, ClickHouse types, cell decoding). Pure: no database here.
//
// The subset (anything else is a 400 naming what is unsupported):
//   SELECT  columns uuid, event, distinct_id, timestamp, created_at, inserted_at, properties,
//           person_id, person_mode, person_properties; properties.<name> (also `properties.$x`,
//           properties['a b'], nested a.b); person_properties.<name> = person.properties.<name>;
//           count(), count(x), count(DISTINCT x), uniq(x), min(x), max(x), now(), toDateTime('…'),
//           toStartOfInterval(t, INTERVAL n SECOND|MINUTE|HOUR|DAY|WEEK), t ± INTERVAL …; AS alias
//   FROM    events only
//   WHERE   AND, OR, NOT, ( ), = != < <= > >=, [NOT] IN (literals), IS [NOT] NULL, literals
//   GROUP BY / ORDER BY … ASC|DESC / LIMIT (default 100, capped at 50,000) / OFFSET
//
// Every statement is scoped to the path's project (`events.team_id = ?`), fetches one row more
// than the limit so hasMore is true only when another row exists, and sorts NULLs last.

import type { Expr, SelectQuery } from './hogql-ast.js';
import { queryError } from './hogql-error.js';
import { compileExpr, condition, type CompiledExpr, type ExprScope, type SqlParam } from './compile-expression.js';
import { JSON_COLUMN_SQL, type CellDecoder } from './hogql-schema.js';
import { printHogQL } from './print-hogql.js';

/** HogQL's default LIMIT for the query API (DEFAULT_RETURNED_ROWS). */
export const DEFAULT_LIMIT = 100;
/** HogQL's largest LIMIT (MAX_SELECT_RETURNED_ROWS); a larger one is lowered to it, as in PostHog. */
export const MAX_LIMIT = 50_000;

export interface CompileContext {
  /** The project (team) id from the request path: every row read belongs to it. */
  readonly projectId: number;
  /** Unix ms for now(). */
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
}

export function compileHogQL(query: SelectQuery, ctx: CompileContext): CompiledHogQL {
  const aliases = new Map<string, Expr>();
  for (const item of query.select) {
    if (item.alias === null) continue;
    if (aliases.has(item.alias)) throw queryError(`The alias ${item.alias} is defined twice`, item.expr.start);
    aliases.set(item.alias, item.expr);
  }
  const scope: ExprScope = { now: ctx.now, tableAlias: query.tableAlias, aliases, expanding: new Set(), allowAggregates: true };
  const noAggregates: ExprScope = { ...scope, allowAggregates: false };
  // The SQL names result columns c0, c1, …: aliases are user text and never reach the SQL.
  const selectAlias = (name: string): string | null => {
    const index = query.select.findIndex((item) => item.alias === name);
    return index < 0 ? null : `c${index}`;
  };

  const select = query.select.map((item) => output(compileExpr(item.expr, scope)));
  const columns = query.select.map((item) => item.alias ?? columnName(item.expr, query.tableAlias));
  const where = query.where === null ? null : condition(query.where, noAggregates, 'WHERE');

  const groupKeys = new Set<string>();
  const groupBy = query.groupBy.map((expr) => {
    const aliased = aliasReference(expr, aliases);
    groupKeys.add(printHogQL(aliased ?? expr));
    // Compiled even when it is an alias: that refuses an aliased aggregate (GROUP BY count()).
    const compiled = output(compileExpr(expr, noAggregates));
    if (aliased !== null && expr.type === 'field') return { sql: selectAlias(expr.chain[0]!)!, params: [] };
    if (compiled.constant !== null) throw queryError(`GROUP BY a constant (${printHogQL(expr)}) is not allowed; name a column or alias`, expr.start);
    return compiled;
  });

  const orderBy = query.orderBy.map(({ expr, direction }) => {
    const aliased = aliasReference(expr, aliases);
    const compiled = compileExpr(expr, scope);
    if (compiled.constant !== null) {
      throw queryError(`ORDER BY a constant (${printHogQL(expr)}) is not allowed; name a column or alias`, expr.start);
    }
    // ClickHouse sorts NULLs last in both directions; SQLite sorts them first by default. A NOT
    // NULL column gets no NULLS clause, which keeps the index usable for ORDER BY timestamp.
    const nulls = compiled.nullable ? ' NULLS LAST' : '';
    const sql = aliased !== null && expr.type === 'field' ? selectAlias(expr.chain[0]!)! : compiled.sql;
    return {
      sql: `${sql} ${direction}${nulls}`,
      params: aliased !== null ? [] : compiled.params,
      aggregate: compiled.aggregate,
      byTimestamp: compiled.sql === 'events.timestamp',
    };
  });

  const aggregated = groupBy.length > 0 || select.some((c) => c.aggregate) || orderBy.some((o) => o.aggregate);
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
  // `team_id = ?` alone it would walk the (team_id, timestamp) index and look up every row: much
  // slower than a plain scan when one project owns most rows, the reference target's usual case.
  // The index is kept where it pays: a time range in WHERE, or ORDER BY timestamp first.
  const team = where?.timeRange === true || orderBy[0]?.byTimestamp === true ? 'events.team_id' : '+events.team_id';

  const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const offset = query.offset ?? 0;
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
    limit + 1,
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

/** The aliased expression when `expr` is a bare name that is a SELECT alias. */
function aliasReference(expr: Expr, aliases: ReadonlyMap<string, Expr>): Expr | null {
  if (expr.type !== 'field' || expr.chain.length !== 1) return null;
  return aliases.get(expr.chain[0]!) ?? null;
}

/**
 * The column name PostHog gives an unaliased expression: a column's name, a property's path
 * joined by `__` (`properties.$browser` → `$browser`), else the expression as HogQL.
 */
function columnName(expr: Expr, tableAlias: string | null): string {
  if (expr.type !== 'field') return printHogQL(expr);
  let chain = expr.chain;
  if (chain.length > 1 && (chain[0] === 'events' || chain[0] === tableAlias)) chain = chain.slice(1);
  if (chain[0] === 'person' && chain[1] === 'properties' && chain.length > 2) return chain.slice(2).join('__');
  if ((chain[0] === 'properties' || chain[0] === 'person_properties') && chain.length > 1) return chain.slice(1).join('__');
  return chain[chain.length - 1] ?? printHogQL(expr);
}
