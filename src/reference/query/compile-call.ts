// Function calls and time arithmetic: the aggregates (count, count(DISTINCT), uniq, min, max)
// and the time functions (now, toDateTime, toStartOfInterval, `t ± INTERVAL n UNIT`). Anything
// else is refused by name. Time expressions that are constant fold into one bound value.

import type { CallExpr, Expr } from './hogql-ast.js';
import { INTERVAL_MS } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import { parseHogQLTime } from './hogql-time.js';
import { printHogQL } from './print-hogql.js';
import {
  constant,
  PLAIN,
  timeConstant,
  type CompileFn,
  type CompiledExpr,
  type ExprScope,
} from './compiled-expr.js';

const SUPPORTED_FUNCTIONS =
  'count, uniq, min, max, now, toDateTime, toStartOfInterval, toInterval<Unit>, toInt, intDiv, ' +
  'toUnixTimestamp, toUnixTimestamp64Milli';

const onlyWithTime = (expr: Expr): Error =>
  queryError(
    `${printHogQL(expr)} can only be added to or subtracted from a time, or used in toStartOfInterval`,
    expr.start,
  );

export function compileCall(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const name = expr.name.toLowerCase();
  if (expr.distinct && name !== 'count') throw unsupported(`DISTINCT inside ${expr.name}()`, expr.start);
  switch (name) {
    case 'count':
    case 'uniq':
    case 'uniqexact':
    case 'min':
    case 'max':
      return compileAggregate(name, expr, scope, compile);
    case 'now':
      if (expr.args.length !== 0 || expr.star)
        throw queryError(`now() takes 0 arguments, got ${printHogQL(expr)}`, expr.start);
      return timeConstant(scope.now);
    case 'todatetime':
    case 'todatetime64':
      return compileToDateTime(expr, scope, compile);
    case 'tostartofinterval':
      return compileStartOfInterval(expr, scope, compile);
    case 'toint':
    case 'toint64':
      return compileToInt(expr, scope, compile);
    case 'intdiv':
      return compileIntDiv(expr, scope, compile);
    case 'tounixtimestamp':
    case 'tounixtimestamp64milli':
      return compileUnixTime(name === 'tounixtimestamp' ? 1000 : 1, expr, scope, compile);
  }
  if (intervalMs(expr) !== null) throw onlyWithTime(expr);
  throw unsupported(`The function ${expr.name}() (supported: ${SUPPORTED_FUNCTIONS})`, expr.start);
}

/** `time ± INTERVAL n UNIT`, the only arithmetic the subset has. */
export function compileArithmetic(
  expr: Extract<Expr, { type: 'arithmetic' }>,
  scope: ExprScope,
  compile: CompileFn,
): CompiledExpr {
  const interval = intervalMs(expr.right);
  const left = compile(expr.left, scope);
  if (interval === null || left.kind !== 'time') {
    throw unsupported(`The arithmetic ${printHogQL(expr)} (only a time ± INTERVAL)`, expr.start);
  }
  const delta = expr.op === '+' ? interval : -interval;
  if (left.constant !== null && typeof left.constant.value === 'number')
    return timeConstant(left.constant.value + delta);
  const sql = `(${left.sql} + ?)`;
  return { ...left, sql, params: [...left.params, delta], constant: null, property: null, timeRange: false };
}

/** Milliseconds of `INTERVAL n UNIT` or `toInterval<Unit>(n)`; null when the expression is neither. */
function intervalMs(expr: Expr): number | null {
  if (expr.type !== 'call') return null;
  const match = /^tointerval(second|minute|hour|day|week)$/i.exec(expr.name);
  const [arg] = expr.args;
  if (match === null || expr.args.length !== 1 || arg?.type !== 'constant' || typeof arg.value !== 'number') {
    return null;
  }
  if (!Number.isSafeInteger(arg.value) || arg.value < 0) return null;
  return arg.value * INTERVAL_MS[match[1]!.toUpperCase() as keyof typeof INTERVAL_MS];
}

function compileAggregate(name: string, expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  if (!scope.allowAggregates) {
    throw queryError(
      `The aggregate ${printHogQL(expr)} is not allowed here (not in WHERE, GROUP BY or inside another aggregate)`,
      expr.start,
    );
  }
  const counted = { ...PLAIN, kind: 'number', type: 'UInt64', aggregate: true } as const;
  if (name === 'count' && (expr.star || expr.args.length === 0)) {
    if (expr.distinct) throw queryError('count(DISTINCT) needs an expression', expr.start);
    return { ...counted, sql: 'COUNT(*)', params: [] };
  }
  if (expr.args.length !== 1 || expr.star) {
    throw unsupported(`${expr.name}() with ${expr.star ? '*' : `${expr.args.length} arguments`}`, expr.start);
  }
  const arg = compile(expr.args[0]!, { ...scope, allowAggregates: false });
  if (name === 'count') {
    return { ...counted, sql: `COUNT(${expr.distinct ? 'DISTINCT ' : ''}${arg.sql})`, params: arg.params };
  }
  if (name === 'uniq' || name === 'uniqexact') {
    // ClickHouse's uniq() is approximate; an exact count is within any bound it promises.
    return { ...counted, sql: `COUNT(DISTINCT ${arg.sql})`, params: arg.params };
  }
  const sql = `${name === 'min' ? 'MIN' : 'MAX'}(${arg.sql})`;
  return { ...arg, sql, aggregate: true, nullable: true, constant: null, property: null, timeRange: false };
}

function compileToDateTime(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const [valueExpr, zoneExpr] = expr.args;
  if (valueExpr === undefined || expr.args.length > 2 || expr.star) {
    throw queryError(
      `${expr.name}() takes a time string and optionally 'UTC', got ${printHogQL(expr)}`,
      expr.start,
    );
  }
  if (zoneExpr !== undefined && !(zoneExpr.type === 'constant' && zoneExpr.value === 'UTC')) {
    throw unsupported(
      `The timezone ${printHogQL(zoneExpr)} (this target's project timezone is UTC)`,
      zoneExpr.start,
    );
  }
  const value = compile(valueExpr, scope);
  if (value.kind === 'time') return value;
  if (value.constant !== null && typeof value.constant.value === 'string') {
    return timeConstant(parseHogQLTime(value.constant.value, valueExpr.start));
  }
  throw unsupported(
    `${expr.name}() of ${printHogQL(valueExpr)} (only a string literal or a time)`,
    expr.start,
  );
}

function compileStartOfInterval(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const [timeExpr, stepExpr] = expr.args;
  if (timeExpr === undefined || stepExpr === undefined || expr.args.length !== 2 || expr.star) {
    throw queryError(`toStartOfInterval() takes 2 arguments, got ${printHogQL(expr)}`, expr.start);
  }
  const value = compile(timeExpr, scope);
  const step = intervalMs(stepExpr);
  if (value.kind !== 'time')
    throw queryError(`toStartOfInterval() needs a time, got ${printHogQL(timeExpr)}`, expr.start);
  if (step === null || step === 0) {
    throw queryError('toStartOfInterval() needs INTERVAL n UNIT (n > 0) as its second argument', expr.start);
  }
  if (value.constant !== null && typeof value.constant.value === 'number') {
    return timeConstant(Math.floor(value.constant.value / step) * step);
  }
  // Floor to a multiple of the step since the epoch, as ClickHouse does for fixed-length steps.
  const sql = `(${value.sql} - (${value.sql} % ?))`;
  const params = [...value.params, ...value.params, step];
  return { ...value, sql, params, constant: null, property: null, timeRange: false };
}

const INT64 = { ...PLAIN, kind: 'number', type: 'Int64' } as const;

/** One argument, compiled; refuses any other count. */
function onlyArg(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const [arg] = expr.args;
  if (arg === undefined || expr.args.length !== 1 || expr.star)
    throw queryError(`${expr.name}() takes 1 argument, got ${printHogQL(expr)}`, expr.start);
  return compile(arg, scope);
}

/**
 * HogQL's toInt is accurateCastOrNull(x, 'Int64'): a number is truncated, a string is read only
 * when it is wholly an integer ("12abc" is NULL, where SQLite's CAST would read 12).
 */
function compileToInt(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const arg = onlyArg(expr, scope, compile);
  if (arg.kind === 'number' || arg.kind === 'bool') {
    if (arg.constant !== null && typeof arg.constant.value === 'number')
      return constant(Math.trunc(arg.constant.value), 'number', 'Int64');
    return {
      ...INT64,
      sql: `CAST(${arg.sql} AS INTEGER)`,
      params: arg.params,
      nullable: arg.nullable,
      costly: arg.costly,
    };
  }
  if (arg.kind !== 'json' && arg.kind !== 'string')
    throw unsupported(`${expr.name}() of ${printHogQL(expr.args[0]!)} (${arg.type})`, expr.start);
  // The value is read once, in a subquery, and tested by its SQLite type.
  const sql =
    "(SELECT CASE WHEN typeof(v) IN ('integer', 'real') THEN CAST(v AS INTEGER) " +
    "WHEN typeof(v) = 'text' AND trim(v) GLOB '[0-9]*' AND trim(v) NOT GLOB '*[^0-9]*' THEN CAST(trim(v) AS INTEGER) " +
    "WHEN typeof(v) = 'text' AND trim(v) GLOB '[-+][0-9]*' AND substr(trim(v), 2) NOT GLOB '*[^0-9]*' THEN CAST(trim(v) AS INTEGER) " +
    `END FROM (SELECT ${arg.sql} AS v))`;
  return { ...INT64, type: 'Nullable(Int64)', sql, params: arg.params, nullable: true, costly: true };
}

function compileIntDiv(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const [aExpr, bExpr] = expr.args;
  if (aExpr === undefined || bExpr === undefined || expr.args.length !== 2 || expr.star)
    throw queryError(`intDiv() takes 2 arguments, got ${printHogQL(expr)}`, expr.start);
  const a = compile(aExpr, scope);
  const b = compile(bExpr, scope);
  for (const [side, source] of [
    [a, aExpr],
    [b, bExpr],
  ] as const) {
    if (side.kind !== 'number')
      throw queryError(`intDiv() needs numbers, got ${printHogQL(source)} (${side.type})`, source.start);
  }
  if (b.constant !== null && b.constant.value === 0)
    throw queryError('Division by zero in intDiv()', bExpr.start);
  return {
    ...INT64,
    sql: `CAST((${a.sql}) / (${b.sql}) AS INTEGER)`,
    params: [...a.params, ...b.params],
    nullable: a.nullable || b.nullable,
    costly: a.costly || b.costly,
  };
}

/** Whole seconds (divisor 1000) or milliseconds (1) since the epoch, as ClickHouse truncates them. */
function compileUnixTime(
  divisor: number,
  expr: CallExpr,
  scope: ExprScope,
  compile: CompileFn,
): CompiledExpr {
  const arg = onlyArg(expr, scope, compile);
  if (arg.kind !== 'time')
    throw queryError(`${expr.name}() needs a time, got ${printHogQL(expr.args[0]!)}`, expr.start);
  if (arg.constant !== null && typeof arg.constant.value === 'number')
    return constant(Math.floor(arg.constant.value / divisor), 'number', 'Int64');
  const sql = divisor === 1 ? `CAST(${arg.sql} AS INTEGER)` : `CAST(${arg.sql} / ${divisor} AS INTEGER)`;
  return { ...INT64, sql, params: arg.params, nullable: arg.nullable, costly: arg.costly };
}
