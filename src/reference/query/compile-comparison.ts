// Comparisons and IN lists. Literals are converted to the other side's kind (a string next to a
// time is that instant, next to a uuid its lower case), and kinds that cannot be compared are an
// error as in ClickHouse. A property is tested for equality (= != IN) only, all the harness asks
// of one; the JSON type is kept (SQLite never equates the number 7 with the string '7'). Ordering
// a property (<, >, …) is refused: SQLite would order every number before every string.

import type { CompareExpr, Expr, InExpr } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import type { ValueKind } from './hogql-schema.js';
import { parseHogQLTime } from './hogql-time.js';
import { printHogQL } from './print-hogql.js';
import {
  condition,
  constant,
  timeConstant,
  TIMESTAMP_SQL,
  type CompileFn,
  type CompiledExpr,
  type ExprScope,
} from './compiled-expr.js';

export function compileComparison(expr: CompareExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  let left = compile(expr.left, scope);
  let right = compile(expr.right, scope);
  left = coerceLiteral(left, right, expr.left);
  right = coerceLiteral(right, left, expr.right);
  const { op } = expr;
  if ((left.property !== null || right.property !== null) && op !== '=' && op !== '!=') {
    throw unsupported(
      `Ordering a property (${printHogQL(expr)}; only =, != and IN on properties)`,
      expr.start,
    );
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
  const bounded =
    op !== '!=' &&
    ((left.sql === TIMESTAMP_SQL && right.constant !== null) ||
      (right.sql === TIMESTAMP_SQL && left.constant !== null));
  const sql = `(${left.sql} ${op} ${right.sql})`;
  return { ...condition(sql, [...left.params, ...right.params], [left, right]), timeRange: bounded };
}

export function compileIn(expr: InExpr, scope: ExprScope, compile: CompileFn): CompiledExpr {
  const left = compile(expr.expr, scope);
  const values: (string | number)[] = [];
  for (const item of expr.list) {
    const compiled = coerceLiteral(compile(item, scope), left, item);
    if (compiled.constant === null) {
      throw unsupported(`A non-literal in an IN list (${printHogQL(item)})`, item.start);
    }
    const { value } = compiled.constant;
    const leftFamily = family(left.kind);
    if (leftFamily !== 'any' && family(compiled.kind) !== leftFamily) {
      throw queryError(
        `Cannot look for ${printHogQL(item)} in ${printHogQL(expr.expr)} (${left.type})`,
        item.start,
      );
    }
    values.push(value);
  }
  // One bound JSON array whatever the list's length: one SQL text per query shape (the statement
  // cache stays small), and no limit on host parameters.
  const op = expr.negated ? 'NOT IN' : 'IN';
  const sql = `(${left.sql} ${op} (SELECT value FROM json_each(?)))`;
  return {
    ...condition(sql, [...left.params, JSON.stringify(values)], [left]),
    timeRange: !expr.negated && left.sql === TIMESTAMP_SQL,
  };
}

/** Which kinds may be compared: a JSON value compares with anything. */
function family(kind: ValueKind): 'time' | 'string' | 'number' | 'any' {
  if (kind === 'time') return 'time';
  if (kind === 'string' || kind === 'uuid') return 'string';
  if (kind === 'number' || kind === 'bool') return 'number';
  return 'any';
}

/** A string literal next to a time becomes that instant; next to a uuid, its canonical lower case. */
function coerceLiteral(value: CompiledExpr, other: CompiledExpr, source: Expr): CompiledExpr {
  if (value.constant === null || typeof value.constant.value !== 'string') return value;
  if (other.kind === 'time') return timeConstant(parseHogQLTime(value.constant.value, source.start));
  if (other.kind === 'uuid') return constant(value.constant.value.toLowerCase(), 'string', 'String');
  return value;
}
