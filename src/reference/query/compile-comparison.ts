// Comparisons and IN lists. Literals are converted to the other side's kind (a string next to a
// time is that instant, next to a uuid its lower case), kinds that cannot be compared are an
// error as in ClickHouse, and a property compared with a literal keeps JSON types: numbers with
// numbers, strings with strings (SQLite alone would order every number before every string).

import type { CompareExpr, Expr, InExpr } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';
import { JSON_COLUMN_SQL, type ValueKind } from './hogql-schema.js';
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

  // HogQL rewrites `x = NULL` to isNull(x).
  if ((left.kind === 'null' || right.kind === 'null') && (op === '=' || op === '!=')) {
    const value = left.kind === 'null' ? right : left;
    const sql = `(${value.sql} IS ${op === '=' ? '' : 'NOT '}NULL)`;
    return { ...condition(sql, value.params, [value]), nullable: false };
  }
  const [propertySide, literalSide] = left.property !== null ? [left, right] : [right, left];
  if (propertySide.property !== null && literalSide.constant !== null && literalSide.kind !== 'null') {
    return comparePropertyWithLiteral(
      propertySide,
      literalSide,
      left === propertySide ? op : mirror(op),
      expr,
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
    // NULL never matches in ClickHouse's IN (transform_null_in is off), so it is left out.
    if (value === null) continue;
    const leftFamily = family(left.kind);
    if (leftFamily !== 'any' && family(compiled.kind) !== leftFamily) {
      throw queryError(
        `Cannot look for ${printHogQL(item)} in ${printHogQL(expr.expr)} (${left.type})`,
        item.start,
      );
    }
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
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

/** Which kinds may be compared: a JSON value or NULL compares with anything. */
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
    if (op !== '=' && op !== '!=')
      throw queryError(`Cannot order-compare a property with ${String(value)}`, expr.start);
    // json_extract reads true as 1; json_type tells a JSON true from the number 1.
    return condition(`(json_type(${json}, ?) ${op} ?)`, [path, value ? 'true' : 'false'], parts);
  }
  if (op === '=' || op === '!=') {
    // Without column affinity SQLite never equates a number with a string: exact typed equality.
    return condition(`(${prop.sql} ${op} ?)`, [...prop.params, ...literal.params], parts);
  }
  const types = typeof value === 'number' ? "IN ('integer', 'real')" : "= 'text'";
  const sql = `(json_type(${json}, ?) ${types} AND ${prop.sql} ${op} ?)`;
  return condition(sql, [path, ...prop.params, ...literal.params], parts);
}
