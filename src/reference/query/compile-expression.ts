// One HogQL expression → a SQLite fragment with bound parameters. Names become fixed fragments
// from hogql-schema.ts; property names become a bound JSON path; literals become bound values.
// Nothing the user wrote is ever pasted into the SQL text.
//
// Semantics kept from HogQL/ClickHouse:
// - A time column compared with a string or toDateTime('…') compares instants; the bound value is
//   milliseconds on the raw column (`events.timestamp >= ?`), so the (team_id, timestamp) index
//   serves ranges.
// - `properties.x` keeps the JSON type of the value (see compile-comparison.ts).
// - `person.properties.x` and `person_properties.x` read the person properties stored on the
//   event when it was ingested, as PostHog's default persons-on-events mode does; person_id
//   follows merges (see hogql-schema.ts). Other `person.` fields are refused.
// - A bare name that is a SELECT alias means the aliased expression, anywhere in the query.

import type { Expr, FieldExpr } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import { JSON_COLUMN_SQL, PROPERTY_TYPE, QUERY_COLUMNS, jsonPath, type JsonColumn } from './hogql-schema.js';
import { printHogQL } from './print-hogql.js';
import { compileCall } from './compile-call.js';
import { compileComparison, compileIn } from './compile-comparison.js';
import { condition, constant, PLAIN, type CompiledExpr, type ExprScope } from './compiled-expr.js';

export function compileExpr(expr: Expr, scope: ExprScope): CompiledExpr {
  switch (expr.type) {
    case 'constant': {
      const v = expr.value;
      if (typeof v === 'string') return constant(v, 'string', 'String');
      return constant(v, 'number', Number.isInteger(v) ? 'Int64' : 'Float64');
    }
    case 'field':
      return compileField(expr, scope);
    case 'call':
      return compileCall(expr, scope, compileExpr);
    case 'compare':
      return compileComparison(expr, scope, compileExpr);
    case 'in':
      return compileIn(expr, scope, compileExpr);
    case 'and': {
      // Cheap terms first: SQLite evaluates an AND left to right and stops at the first false,
      // so a uuid or time test spares most rows the JSON parse of a property test.
      const parts = expr.exprs.map((e) => compileCondition(e, scope, 'AND'));
      const ordered = [...parts.filter((p) => !p.costly), ...parts.filter((p) => p.costly)];
      const sql = `(${ordered.map((p) => p.sql).join(' AND ')})`;
      const params = ordered.flatMap((p) => p.params);
      return { ...condition(sql, params, parts), timeRange: parts.some((p) => p.timeRange) };
    }
    case 'or': {
      const parts = expr.exprs.map((e) => compileCondition(e, scope, 'OR'));
      const sql = `(${parts.map((p) => p.sql).join(' OR ')})`;
      const params = parts.flatMap((p) => p.params);
      return { ...condition(sql, params, parts), timeRange: parts.every((p) => p.timeRange) };
    }
    case 'not': {
      const inner = compileCondition(expr.expr, scope, 'NOT');
      return condition(`(NOT ${inner.sql})`, inner.params, [inner]);
    }
  }
}

/** An operand of AND/OR/NOT or a WHERE clause: it must be a condition, not a value. */
export function compileCondition(expr: Expr, scope: ExprScope, where: string): CompiledExpr {
  const compiled = compileExpr(expr, scope);
  if (compiled.kind !== 'bool') {
    throw queryError(
      `${where} needs a condition such as \`x = 'value'\`, got ${printHogQL(expr)}`,
      expr.start,
    );
  }
  return compiled;
}

function compileField(expr: FieldExpr, scope: ExprScope): CompiledExpr {
  const [first] = expr.chain;
  if (expr.chain.length === 1 && first !== undefined && !scope.expanding.has(first)) {
    const aliased = scope.aliases.get(first);
    if (aliased !== undefined) {
      return compileExpr(aliased, { ...scope, expanding: new Set([...scope.expanding, first]) });
    }
  }
  let chain = expr.chain;
  if (chain.length > 1 && chain[0] === 'events') chain = chain.slice(1);
  const [head = '', ...rest] = chain;
  if (head === 'properties' && rest.length > 0) return property('properties', rest);
  if (head === 'person_properties' && rest.length > 0) return property('person_properties', rest);
  if (head === 'person') {
    if (rest[0] === 'properties' && rest.length > 1) return property('person_properties', rest.slice(1));
    throw unsupported(
      `The field ${printHogQL(expr)} (use person_id or person.properties.<name>)`,
      expr.start,
    );
  }
  if (rest.length > 0) {
    if (QUERY_COLUMNS.has(head))
      throw queryError(`The column ${head} has no field ${rest.join('.')}`, expr.start);
    throw queryError(`Unknown field ${printHogQL(expr)} on table events`, expr.start);
  }
  return column(head, expr);
}

function column(name: string, expr: FieldExpr): CompiledExpr {
  const spec = QUERY_COLUMNS.get(name);
  if (spec === undefined) {
    throw queryError(
      `Unknown column ${printHogQL(expr)} on table events; the columns are ${[...QUERY_COLUMNS.keys()].join(', ')} ` +
        'and properties.<name>',
      expr.start,
    );
  }
  const { sql, kind, type, cell, costly } = spec;
  return { ...PLAIN, sql, params: [], kind, type, cell, costly };
}

function property(jsonColumn: JsonColumn, names: readonly string[]): CompiledExpr {
  const path = jsonPath(names);
  return {
    ...PLAIN,
    sql: `json_extract(${JSON_COLUMN_SQL[jsonColumn]}, ?)`,
    params: [path],
    kind: 'json',
    type: PROPERTY_TYPE,
    nullable: true,
    property: { column: jsonColumn, path },
    costly: true,
  };
}
