// Function calls and time arithmetic: the aggregates (count, count(DISTINCT), uniq, min, max)
// and the time functions (now, toDateTime, toStartOfInterval, `t ± INTERVAL n UNIT`). Anything
// else is refused by name. Time expressions that are constant fold into one bound value.

import type { CallExpr, Expr } from './hogql-ast.js';
import { INTERVAL_MS } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import { parseHogQLTime } from './hogql-time.js';
import { printHogQL } from './print-hogql.js';
import { PLAIN, timeConstant, type CompileFn, type CompiledExpr, type ExprScope } from './compiled-expr.js';

const SUPPORTED_FUNCTIONS = 'count, uniq, min, max, now, toDateTime, toStartOfInterval, toInterval<Unit>';

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

/** An INTERVAL used anywhere else. */
export function misplacedInterval(expr: Expr): Error {
  return onlyWithTime(expr);
}

/** Milliseconds of `INTERVAL n UNIT` or `toInterval<Unit>(n)`; null when the expression is neither. */
function intervalMs(expr: Expr): number | null {
  if (expr.type === 'interval') return expr.amount * INTERVAL_MS[expr.unit];
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
