// One HogQL expression → a SQLite fragment with bound parameters. Names become fixed fragments
// from hogql-schema.ts; property names become a bound JSON path; literals become bound values.
// Nothing the user wrote is ever pasted into the SQL text.
//
// Semantics kept from HogQL/ClickHouse:
// - A time column compared with a string or toDateTime('…') compares instants; the bound value is
//   milliseconds on the raw column (`events.timestamp >= ?`), so the (team_id, timestamp) index
//   serves ranges.
// - `properties.x` keeps the JSON type of the value: numbers compare with numbers, strings with
//   strings; an ordering comparison never matches a value of the other type (SQLite would order
//   every number before every string).
// - `person.properties.x` and `person_properties.x` read the person properties stored on the
//   event when it was ingested, as PostHog's default persons-on-events mode does; person_id
//   follows merges (see hogql-schema.ts).
// - `x = NULL` is `x IS NULL`, as HogQL rewrites it.

import type { CallExpr, CompareExpr, Expr, FieldExpr, InExpr } from './hogql-ast.js';
import { INTERVAL_MS } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import {
  DATETIME_TYPE,
  JSON_COLUMN_SQL,
  PROPERTY_TYPE,
  QUERY_COLUMNS,
  jsonPath,
  type CellDecoder,
  type JsonColumn,
  type ValueKind,
} from './hogql-schema.js';
import { parseHogQLTime } from './hogql-time.js';
import { printHogQL } from './print-hogql.js';

export type SqlParam = string | number;
export type ConstantValue = string | number | boolean | null;

export interface CompiledExpr {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  readonly kind: ValueKind;
  /** The ClickHouse type PostHog would report for this expression. */
  readonly type: string;
  readonly cell: CellDecoder;
  readonly aggregate: boolean;
  /** Can the value be NULL (decides NULLS LAST in ORDER BY, as ClickHouse sorts NULLs last)? */
  readonly nullable: boolean;
  /** The value, when it is known without reading a row (literals, now(), toDateTime('…')). */
  readonly constant: { readonly value: ConstantValue } | null;
  /** Set on a bare property lookup, so the caller can select its JSON text instead. */
  readonly property: { readonly column: JsonColumn; readonly path: string } | null;
  /** Reads a JSON column or runs the person_id subquery: evaluated after cheap terms in an AND. */
  readonly costly: boolean;
  /** Bounds raw events.timestamp by constants, so the (team_id, timestamp) index can serve it. */
  readonly timeRange: boolean;
}

export interface ExprScope {
  readonly now: number;
  readonly tableAlias: string | null;
  /** SELECT aliases that a bare name may refer to, as ClickHouse allows anywhere in the query. */
  readonly aliases: ReadonlyMap<string, Expr>;
  /** Aliases being expanded, so `uuid AS uuid` refers to the column, not to itself. */
  readonly expanding: ReadonlySet<string>;
  readonly allowAggregates: boolean;
}

const SUPPORTED_FUNCTIONS = 'count, uniq, min, max, now, toDateTime, toStartOfInterval, toInterval<Unit>';

const base = {
  aggregate: false,
  nullable: false,
  constant: null,
  property: null,
  cell: 'raw',
  costly: false,
  timeRange: false,
} as const;

function constant(value: ConstantValue, kind: ValueKind, type: string, cell: CellDecoder = 'raw'): CompiledExpr {
  if (value === null) return { ...base, sql: 'NULL', params: [], kind: 'null', type, nullable: true, constant: { value } };
  const param = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  return { ...base, sql: '?', params: [param], kind, type, cell, constant: { value } };
}

const timeConstant = (ms: number): CompiledExpr => constant(ms, 'time', DATETIME_TYPE, 'time');

const bool = (sql: string, params: readonly SqlParam[], parts: readonly CompiledExpr[]): CompiledExpr => ({
  ...base,
  sql,
  params,
  kind: 'bool',
  type: 'UInt8',
  aggregate: parts.some((p) => p.aggregate),
  nullable: parts.some((p) => p.nullable),
  costly: parts.some((p) => p.costly),
});

const TIMESTAMP_SQL = 'events.timestamp';

export function compileExpr(expr: Expr, scope: ExprScope): CompiledExpr {
  switch (expr.type) {
    case 'constant': {
      const v = expr.value;
      if (typeof v === 'string') return constant(v, 'string', 'String');
      if (typeof v === 'number') return constant(v, 'number', Number.isInteger(v) ? 'Int64' : 'Float64');
      if (typeof v === 'boolean') return constant(v, 'bool', 'Bool', 'bool');
      return constant(null, 'null', 'Nullable(Nothing)');
    }
    case 'field':
      return compileField(expr, scope);
    case 'call':
      return compileCall(expr, scope);
    case 'interval':
      throw queryError(`${printHogQL(expr)} can only be added to or subtracted from a time, or used in toStartOfInterval`, expr.start);
    case 'compare':
      return compileCompare(expr, scope);
    case 'isNull': {
      const inner = compileExpr(expr.expr, scope);
      return { ...bool(`(${inner.sql} IS ${expr.negated ? 'NOT ' : ''}NULL)`, inner.params, [inner]), nullable: false };
    }
    case 'in':
      return compileIn(expr, scope);
    case 'and': {
      // Cheap terms first: SQLite evaluates an AND left to right and stops at the first false,
      // so a uuid or time test spares most rows the JSON parse of a property test.
      const parts = expr.exprs.map((e) => condition(e, scope, 'AND'));
      const ordered = [...parts.filter((p) => !p.costly), ...parts.filter((p) => p.costly)];
      const sql = `(${ordered.map((p) => p.sql).join(' AND ')})`;
      return { ...bool(sql, ordered.flatMap((p) => p.params), parts), timeRange: parts.some((p) => p.timeRange) };
    }
    case 'or': {
      const parts = expr.exprs.map((e) => condition(e, scope, 'OR'));
      const sql = `(${parts.map((p) => p.sql).join(' OR ')})`;
      return { ...bool(sql, parts.flatMap((p) => p.params), parts), timeRange: parts.every((p) => p.timeRange) };
    }
    case 'not': {
      const inner = condition(expr.expr, scope, 'NOT');
      return bool(`(NOT ${inner.sql})`, inner.params, [inner]);
    }
    case 'arithmetic':
      return compileArithmetic(expr.op, expr.left, expr.right, scope, expr.start);
  }
}

/** An operand of AND/OR/NOT or a WHERE clause: it must be a condition, not a value. */
export function condition(expr: Expr, scope: ExprScope, where: string): CompiledExpr {
  const compiled = compileExpr(expr, scope);
  if (compiled.kind !== 'bool') {
    throw queryError(`${where} needs a condition such as \`x = 'value'\`, got ${printHogQL(expr)}`, expr.start);
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
  if (chain.length > 1 && (chain[0] === 'events' || chain[0] === scope.tableAlias)) chain = chain.slice(1);
  const [head = '', ...rest] = chain;
  if (head === 'properties' && rest.length > 0) return property('properties', rest);
  if (head === 'person_properties' && rest.length > 0) return property('person_properties', rest);
  if (head === 'person') {
    if (rest[0] === 'properties' && rest.length > 1) return property('person_properties', rest.slice(1));
    if (rest[0] === 'id' && rest.length === 1) return column('person_id', expr);
    throw unsupported(`The field ${printHogQL(expr)} (use person_id or person.properties.<name>)`, expr.start);
  }
  if (rest.length > 0) {
    if (QUERY_COLUMNS.has(head)) throw queryError(`The column ${head} has no field ${rest.join('.')}`, expr.start);
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
  return { ...base, sql: spec.sql, params: [], kind: spec.kind, type: spec.type, cell: spec.cell, costly: spec.costly };
}

function property(jsonColumn: JsonColumn, names: readonly string[]): CompiledExpr {
  const path = jsonPath(names);
  return {
    ...base,
    sql: `json_extract(${JSON_COLUMN_SQL[jsonColumn]}, ?)`,
    params: [path],
    kind: 'json',
    type: PROPERTY_TYPE,
    nullable: true,
    property: { column: jsonColumn, path },
    costly: true,
  };
}

/** Which kinds may be compared: a JSON value or NULL compares with anything. */
function family(kind: ValueKind): 'time' | 'string' | 'number' | 'any' {
  if (kind === 'time') return 'time';
  if (kind === 'string' || kind === 'uuid') return 'string';
  if (kind === 'number' || kind === 'bool') return 'number';
  return 'any';
}

function compileCompare(expr: CompareExpr, scope: ExprScope): CompiledExpr {
  let left = compileExpr(expr.left, scope);
  let right = compileExpr(expr.right, scope);
  left = coerceLiteral(left, right, expr.left);
  right = coerceLiteral(right, left, expr.right);
  const { op } = expr;
  const parts = [left, right];

  if (left.kind === 'null' || right.kind === 'null') {
    const value = left.kind === 'null' ? right : left;
    if (op === '=' || op === '!=') {
      return { ...bool(`(${value.sql} IS ${op === '=' ? '' : 'NOT '}NULL)`, value.params, [value]), nullable: false };
    }
  }
  const [propertySide, literalSide] = left.property !== null ? [left, right] : [right, left];
  if (propertySide.property !== null && literalSide.constant !== null && literalSide.kind !== 'null') {
    return comparePropertyWithLiteral(propertySide, literalSide, left === propertySide ? op : mirror(op), expr);
  }
  const lf = family(left.kind);
  const rf = family(right.kind);
  if (lf !== rf && lf !== 'any' && rf !== 'any') {
    throw queryError(
      `Cannot compare ${printHogQL(expr.left)} (${left.type}) with ${printHogQL(expr.right)} (${right.type})` +
        (lf === 'time' || rf === 'time' ? "; compare times with toDateTime('…') or an ISO 8601 string" : ''),
      expr.start,
    );
  }
  const bounded = op !== '!=' && ((left.sql === TIMESTAMP_SQL && right.constant !== null) || (right.sql === TIMESTAMP_SQL && left.constant !== null));
  return { ...bool(`(${left.sql} ${op} ${right.sql})`, [...left.params, ...right.params], parts), timeRange: bounded };
}

/** A string literal next to a time becomes that instant; next to a uuid, its canonical lower case. */
function coerceLiteral(value: CompiledExpr, other: CompiledExpr, source: Expr): CompiledExpr {
  if (value.constant === null || typeof value.constant.value !== 'string') return value;
  if (other.kind === 'time') return timeConstant(parseHogQLTime(value.constant.value, source.start));
  if (other.kind === 'uuid') return constant(value.constant.value.toLowerCase(), 'string', 'String');
  return value;
}

function mirror(op: CompareExpr['op']): CompareExpr['op'] {
  const mirrored = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
  return op === '=' || op === '!=' ? op : mirrored[op];
}

function comparePropertyWithLiteral(
  prop: CompiledExpr,
  literal: CompiledExpr,
  op: CompareExpr['op'],
  expr: CompareExpr,
): CompiledExpr {
  const value = literal.constant?.value;
  const { column, path } = prop.property!;
  const json = JSON_COLUMN_SQL[column];
  const parts = [prop, literal];
  if (typeof value === 'boolean') {
    if (op !== '=' && op !== '!=') throw queryError(`Cannot order-compare a property with ${String(value)}`, expr.start);
    // json_extract reads true as 1; json_type tells a JSON true from the number 1.
    return bool(`(json_type(${json}, ?) ${op} ?)`, [path, value ? 'true' : 'false'], parts);
  }
  if (op === '=' || op === '!=') {
    // Without column affinity SQLite never equates a number with a string: exact typed equality.
    return bool(`(${prop.sql} ${op} ?)`, [...prop.params, ...literal.params], parts);
  }
  const types = typeof value === 'number' ? "IN ('integer', 'real')" : "= 'text'";
  return bool(
    `(json_type(${json}, ?) ${types} AND ${prop.sql} ${op} ?)`,
    [path, ...prop.params, ...literal.params],
    parts,
  );
}

function compileIn(expr: InExpr, scope: ExprScope): CompiledExpr {
  const left = compileExpr(expr.expr, scope);
  const values: (string | number)[] = [];
  for (const item of expr.list) {
    const compiled = coerceLiteral(compileExpr(item, scope), left, item);
    const value = compiled.constant?.value;
    if (compiled.constant === null || value === undefined) {
      throw unsupported(`A non-literal in an IN list (${printHogQL(item)})`, item.start);
    }
    // NULL never matches in ClickHouse's IN (transform_null_in is off), so it is left out.
    if (value === null) continue;
    const itemFamily = family(compiled.kind);
    const leftFamily = family(left.kind);
    if (leftFamily !== 'any' && itemFamily !== leftFamily) {
      throw queryError(`Cannot look for ${printHogQL(item)} in ${printHogQL(expr.expr)} (${left.type})`, item.start);
    }
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  // One bound JSON array whatever the list's length: one SQL text per query shape (the statement
  // cache stays small), and no limit on host parameters.
  const op = expr.negated ? 'NOT IN' : 'IN';
  const compiled = bool(`(${left.sql} ${op} (SELECT value FROM json_each(?)))`, [...left.params, JSON.stringify(values)], [left]);
  return { ...compiled, timeRange: !expr.negated && left.sql === TIMESTAMP_SQL };
}

function compileArithmetic(op: '+' | '-', leftExpr: Expr, rightExpr: Expr, scope: ExprScope, at: number): CompiledExpr {
  const interval = intervalMs(rightExpr);
  const left = compileExpr(leftExpr, scope);
  if (interval === null || left.kind !== 'time') {
    throw unsupported(`The arithmetic ${printHogQL(leftExpr)} ${op} ${printHogQL(rightExpr)} (only a time ± INTERVAL)`, at);
  }
  const delta = op === '+' ? interval : -interval;
  if (left.constant !== null && typeof left.constant.value === 'number') return timeConstant(left.constant.value + delta);
  return { ...left, sql: `(${left.sql} + ?)`, params: [...left.params, delta], constant: null, property: null, timeRange: false };
}

/** Milliseconds of `INTERVAL n UNIT` or `toInterval<Unit>(n)`; null when the expression is neither. */
function intervalMs(expr: Expr): number | null {
  if (expr.type === 'interval') return expr.amount * INTERVAL_MS[expr.unit];
  if (expr.type !== 'call') return null;
  const match = /^tointerval(second|minute|hour|day|week)$/i.exec(expr.name);
  const [arg] = expr.args;
  if (match === null || expr.args.length !== 1 || arg?.type !== 'constant' || typeof arg.value !== 'number') return null;
  if (!Number.isSafeInteger(arg.value) || arg.value < 0) return null;
  return arg.value * INTERVAL_MS[match[1]!.toUpperCase() as keyof typeof INTERVAL_MS];
}

function compileCall(expr: CallExpr, scope: ExprScope): CompiledExpr {
  const name = expr.name.toLowerCase();
  const arity = (n: number): void => {
    if (expr.args.length !== n || expr.star) {
      throw queryError(`${expr.name}() takes ${n} argument${n === 1 ? '' : 's'}, got ${printHogQL(expr)}`, expr.start);
    }
  };
  if (expr.distinct && name !== 'count') throw unsupported(`DISTINCT inside ${expr.name}()`, expr.start);
  switch (name) {
    case 'count':
    case 'uniq':
    case 'uniqexact':
    case 'min':
    case 'max':
      return compileAggregate(name, expr, scope);
    case 'now':
      arity(0);
      return timeConstant(scope.now);
    case 'todatetime':
    case 'todatetime64':
      return compileToDateTime(expr, scope);
    case 'tostartofinterval': {
      arity(2);
      const value = compileExpr(expr.args[0]!, scope);
      const step = intervalMs(expr.args[1]!);
      if (value.kind !== 'time') throw queryError(`toStartOfInterval() needs a time, got ${printHogQL(expr.args[0]!)}`, expr.start);
      if (step === null || step === 0) throw queryError('toStartOfInterval() needs INTERVAL n UNIT (n > 0) as its second argument', expr.start);
      if (value.constant !== null && typeof value.constant.value === 'number') {
        return timeConstant(Math.floor(value.constant.value / step) * step);
      }
      // Floor to a multiple of the step since the epoch, as ClickHouse does for sub-day steps.
      return {
        ...value,
        sql: `(${value.sql} - (${value.sql} % ?))`,
        params: [...value.params, ...value.params, step],
        constant: null,
        property: null,
        timeRange: false,
      };
    }
  }
  if (intervalMs(expr) !== null) {
    throw queryError(`${printHogQL(expr)} can only be added to or subtracted from a time, or used in toStartOfInterval`, expr.start);
  }
  throw unsupported(`The function ${expr.name}() (supported: ${SUPPORTED_FUNCTIONS})`, expr.start);
}

function compileAggregate(name: string, expr: CallExpr, scope: ExprScope): CompiledExpr {
  if (!scope.allowAggregates) {
    throw queryError(`The aggregate ${printHogQL(expr)} is not allowed here (not in WHERE, GROUP BY or inside another aggregate)`, expr.start);
  }
  const argScope = { ...scope, allowAggregates: false };
  const counted = { ...base, kind: 'number', type: 'UInt64', aggregate: true } as const;
  if (name === 'count' && (expr.star || expr.args.length === 0)) {
    if (expr.distinct) throw queryError('count(DISTINCT) needs an expression', expr.start);
    return { ...counted, sql: 'COUNT(*)', params: [] };
  }
  if (expr.args.length !== 1 || expr.star) {
    throw unsupported(`${expr.name}() with ${expr.star ? '*' : `${expr.args.length} arguments`}`, expr.start);
  }
  const arg = compileExpr(expr.args[0]!, argScope);
  if (name === 'count') {
    return { ...counted, sql: `COUNT(${expr.distinct ? 'DISTINCT ' : ''}${arg.sql})`, params: arg.params };
  }
  if (name === 'uniq' || name === 'uniqexact') {
    // ClickHouse's uniq() is approximate; an exact count is within any bound it promises.
    return { ...counted, sql: `COUNT(DISTINCT ${arg.sql})`, params: arg.params };
  }
  const fn = name === 'min' ? 'MIN' : 'MAX';
  return { ...arg, sql: `${fn}(${arg.sql})`, aggregate: true, nullable: true, constant: null, property: null, timeRange: false };
}

function compileToDateTime(expr: CallExpr, scope: ExprScope): CompiledExpr {
  const [valueExpr, zoneExpr] = expr.args;
  if (valueExpr === undefined || expr.args.length > 2 || expr.star) {
    throw queryError(`${expr.name}() takes a time string and optionally 'UTC', got ${printHogQL(expr)}`, expr.start);
  }
  if (zoneExpr !== undefined && !(zoneExpr.type === 'constant' && zoneExpr.value === 'UTC')) {
    throw unsupported(`The timezone ${printHogQL(zoneExpr)} (this target's project timezone is UTC)`, zoneExpr.start);
  }
  const value = compileExpr(valueExpr, scope);
  if (value.kind === 'time') return value;
  if (value.constant !== null && typeof value.constant.value === 'string') {
    return timeConstant(parseHogQLTime(value.constant.value, valueExpr.start));
  }
  throw unsupported(`${expr.name}() of ${printHogQL(valueExpr)} (only a string literal or a time)`, expr.start);
}
