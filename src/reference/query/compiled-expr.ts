// What compiling one HogQL expression produces, and the small constructors the expression
// compilers share. A compiled expression is SQL text made only of fixed fragments and `?`, plus
// the values bound to those `?`, plus what the compiler needs to know to combine it further.

import type { Expr } from './hogql-ast.js';
import { DATETIME_TYPE, type CellDecoder, type JsonColumn, type ValueKind } from './hogql-schema.js';

export type SqlParam = string | number;
export type ConstantValue = string | number;

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
  /** The value, when it is known without reading a row (literals, toDateTime('…')). */
  readonly constant: { readonly value: ConstantValue } | null;
  /** Set on a bare property lookup, so the caller can select its JSON text instead. */
  readonly property: { readonly column: JsonColumn; readonly path: string } | null;
  /** Reads a JSON column or runs the person_id subquery: evaluated after cheap terms in an AND. */
  readonly costly: boolean;
  /** Bounds raw events.timestamp by constants, so the (team_id, timestamp) index can serve it. */
  readonly timeRange: boolean;
}

export interface ExprScope {
  /** SELECT aliases that a bare name may refer to, as ClickHouse allows anywhere in the query. */
  readonly aliases: ReadonlyMap<string, Expr>;
  /** Aliases being expanded, so `uuid AS uuid` refers to the column, not to itself. */
  readonly expanding: ReadonlySet<string>;
  readonly allowAggregates: boolean;
}

/** The recursive compiler, handed to the helpers that compile sub-expressions. */
export type CompileFn = (expr: Expr, scope: ExprScope) => CompiledExpr;

/** The raw time column the (team_id, timestamp) index covers. */
export const TIMESTAMP_SQL = 'events.timestamp';

/** Defaults for the flags; every constructor spreads this first. */
export const PLAIN = {
  aggregate: false,
  nullable: false,
  constant: null,
  property: null,
  cell: 'raw',
  costly: false,
  timeRange: false,
} as const;

/** A value known at compile time, bound as a parameter. */
export function constant(
  value: ConstantValue,
  kind: ValueKind,
  type: string,
  cell: CellDecoder = 'raw',
): CompiledExpr {
  return { ...PLAIN, sql: '?', params: [value], kind, type, cell, constant: { value } };
}

export const timeConstant = (ms: number): CompiledExpr => constant(ms, 'time', DATETIME_TYPE, 'time');

/** A condition built from `parts`: aggregate, nullable or costly when any part is. */
export const condition = (
  sql: string,
  params: readonly SqlParam[],
  parts: readonly CompiledExpr[],
): CompiledExpr => ({
  ...PLAIN,
  sql,
  params,
  kind: 'bool',
  type: 'UInt8',
  aggregate: parts.some((p) => p.aggregate),
  nullable: parts.some((p) => p.nullable),
  costly: parts.some((p) => p.costly),
});
