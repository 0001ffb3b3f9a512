// The syntax tree of the HogQL subset the reference target answers (the list is in
// compile-hogql.ts). map-hogql-ast.ts builds it from PostHog's parser output, print-hogql.ts turns
// expressions back into HogQL (column names, messages), compile-hogql.ts turns it into SQLite.
// Every node keeps its source offsets so errors can point at the query. An INTERVAL arrives as
// PostHog writes it: a toInterval<Unit>(n) call, allowed only inside toStartOfInterval.

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** Fixed-length units only: MONTH and YEAR have no constant length in milliseconds. */
export type IntervalUnit = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK';

export const INTERVAL_MS: Readonly<Record<IntervalUnit, number>> = {
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 604_800_000,
};

interface Span {
  /** Offset of the node's first character in the query text. */
  readonly start: number;
  /** Offset just past the node's last character. */
  readonly end: number;
}

/** `uuid`, `properties.$browser`, `person.properties.email`, `properties['a b']`: names as written. */
export interface FieldExpr extends Span {
  readonly type: 'field';
  readonly chain: readonly string[];
}

/** Strings and numbers only: NULL, true and false are refused (nothing the harness sends has them). */
export interface ConstantExpr extends Span {
  readonly type: 'constant';
  readonly value: string | number;
}

export interface CallExpr extends Span {
  readonly type: 'call';
  /** As written; the compiler matches names case-insensitively. */
  readonly name: string;
  readonly args: readonly Expr[];
  /** `count(DISTINCT x)`. */
  readonly distinct: boolean;
  /** `count(*)`. */
  readonly star: boolean;
}

export interface CompareExpr extends Span {
  readonly type: 'compare';
  readonly op: CompareOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface InExpr extends Span {
  readonly type: 'in';
  readonly negated: boolean;
  readonly expr: Expr;
  readonly list: readonly Expr[];
}

export interface LogicExpr extends Span {
  readonly type: 'and' | 'or';
  readonly exprs: readonly Expr[];
}

export interface NotExpr extends Span {
  readonly type: 'not';
  readonly expr: Expr;
}

export type Expr = FieldExpr | ConstantExpr | CallExpr | CompareExpr | InExpr | LogicExpr | NotExpr;

export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string | null;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'ASC' | 'DESC';
}

export interface SelectQuery {
  readonly select: readonly SelectItem[];
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** As written; null when absent (the compiler applies the default and the cap). */
  readonly limit: number | null;
  readonly offset: number | null;
  /** Where OFFSET was written, for the refusal. */
  readonly offsetStart?: number;
}
