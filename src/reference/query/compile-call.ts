// Function calls: the aggregate count (count(), count(*), count(x), count(DISTINCT x)) and the two
// time functions the harness sends, toDateTime('…') and toStartOfInterval(t, INTERVAL n UNIT).
// Any other function is refused by name, with the list of the ones this target runs.

import type { CallExpr, Expr } from './hogql-ast.js';
import { INTERVAL_MS } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import { parseHogQLTime } from './hogql-time.js';
import { printHogQL } from './print-hogql.js';
import { PLAIN, timeConstant, type CompileFn, type CompiledExpr, type ExprScope } from './compiled-expr.js';

const SUPPORTED_FUNCTIONS = 'count, toDateTime, toStartOfInterval';

export function compileCall(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const name = expr.name.toLowerCase();
  if (expr.distinct && name !== 'count') throw unsupported(`DISTINCT inside ${expr.name}()`, expr.start);
  switch (name) {
    case 'count':
      return compileCount(expr, scope, compile);
    case 'todatetime':
      return compileToDateTime(expr, scope, compile);
    case 'tostartofinterval':
      return compileStartOfInterval(expr, scope, compile);
  }
  if (intervalMs(expr) !== null) {
    throw unsupported(
      `${printHogQL(expr)} outside toStartOfInterval() (time arithmetic such as now() - INTERVAL …)`,
      expr.start,
    );
  }
  throw unsupported(`The function ${expr.name}() (supported: ${SUPPORTED_FUNCTIONS})`, expr.start);
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

function compileCount(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  if (!scope.allowAggregates) {
    throw queryError(
      `The aggregate ${printHogQL(expr)} is not allowed here (not in WHERE, GROUP BY or inside another aggregate)`,
      expr.start,
    );
  }
  const counted = { ...PLAIN, kind: 'number', type: 'UInt64', aggregate: true } as const;
  if (expr.star || expr.args.length === 0) {
    if (expr.distinct) throw queryError('count(DISTINCT) needs an expression', expr.start);
    return { ...counted, sql: 'COUNT(*)', params: [] };
  }
  if (expr.args.length !== 1)
    throw unsupported(`${expr.name}() with ${expr.args.length} arguments`, expr.start);
  const arg = compile(expr.args[0]!, { ...scope, allowAggregates: false });
  return { ...counted, sql: `COUNT(${expr.distinct ? 'DISTINCT ' : ''}${arg.sql})`, params: arg.params };
}

/** toDateTime('…'): a time literal, always read as UTC (the reference target's only timezone). */
function compileToDateTime(expr: CallExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const [valueExpr] = expr.args;
  if (valueExpr === undefined || expr.star)
    throw queryError(`${expr.name}() takes a time string, got ${printHogQL(expr)}`, expr.start);
  if (expr.args.length > 1) {
    throw unsupported(
      `${expr.name}() with a timezone (this target's project timezone is UTC; write the offset in the string)`,
      expr.args[1]!.start,
    );
  }
  const value = compile(valueExpr, scope);
  if (value.constant !== null && typeof value.constant.value === 'string') {
    return timeConstant(parseHogQLTime(value.constant.value, valueExpr.start));
  }
  throw unsupported(`${expr.name}() of ${printHogQL(valueExpr)} (only a string literal)`, expr.start);
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
  // Floor to a multiple of the step since the epoch, as ClickHouse does for fixed-length steps.
  const sql = `(${value.sql} - (${value.sql} % ?))`;
  const params = [...value.params, ...value.params, step];
  return { ...value, sql, params, constant: null, property: null, timeRange: false };
}
