// PostHog's HogQL AST (the JSON that @posthog/hogql-parser returns, node names as in
// posthog/hogql/ast.py) → the SelectQuery the compiler takes. Pure. PostHog's grammar decides
// what is HogQL; this file decides what the reference target can execute (the queries listed in
// compile-hogql.ts), and refuses the rest by name (JOIN, UNION, HAVING, LIKE, BETWEEN, tuple
// comparisons, arithmetic, NULL, …) so the 400 says what to remove.

import type { CompareOp, Expr, OrderItem, SelectItem, SelectQuery } from './hogql-ast.js';
import { queryError, unsupported } from './hogql-error.js';

/** Deeper nesting is refused: the compiler recurses, and the stack is not for users to fill. */
export const MAX_NESTING = 200;

/** A node as the parser emits it: `node` names its kind, `start`/`end` locate it. */
interface AstNode {
  readonly node: string;
  readonly start?: { readonly offset: number };
  readonly end?: { readonly offset: number };
  readonly [key: string]: unknown;
}

/** Why a tuple comparison is refused, and what to write instead. */
const TUPLE_COMPARISON =
  'A tuple comparison such as (timestamp, uuid) > (…, …) (write it out: timestamp > … OR (timestamp = … AND uuid > …))';

const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  '==': '=',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** Clauses of PostHog's SelectQuery this target does not run, by AST field. */
const UNSUPPORTED_CLAUSES: readonly (readonly [field: string, name: string])[] = [
  ['ctes', 'WITH (common table expressions)'],
  ['distinct', 'SELECT DISTINCT'],
  ['prewhere', 'PREWHERE'],
  ['having', 'HAVING'],
  ['qualify', 'QUALIFY'],
  ['window_exprs', 'WINDOW'],
  ['limit_by', 'LIMIT … BY'],
  ['limit_with_ties', 'LIMIT … WITH TIES'],
  ['array_join_op', 'ARRAY JOIN'],
  ['array_join_list', 'ARRAY JOIN'],
  ['settings', 'SETTINGS'],
];

export function mapHogQLAst(root: unknown): SelectQuery {
  const query = asNode(root, null);
  if (query.node === 'SelectSetQuery') throw unsupported('UNION, INTERSECT and EXCEPT', at(query));
  if (query.node !== 'SelectQuery') throw unsupported(`A ${query.node} statement (only SELECT)`, at(query));
  for (const [field, name] of UNSUPPORTED_CLAUSES) {
    const value = query[field];
    if (value !== undefined && value !== null && value !== false && !isEmptyList(value))
      throw unsupported(name, at(query));
  }
  mapFrom(query);
  const select = list(query['select']).map((item) => mapSelectItem(asNode(item, query)));
  const where = query['where'] == null ? null : mapExpr(asNode(query['where'], query), 0);
  const groupBy = list(query['group_by']).map((e) => mapExpr(asNode(e, query), 0));
  const orderBy = list(query['order_by']).map((e) => mapOrder(asNode(e, query)));
  const limit = query['limit'] == null ? null : count(asNode(query['limit'], query), 'LIMIT');
  const offsetNode = query['offset'] == null ? null : asNode(query['offset'], query);
  const offset = offsetNode === null ? null : count(offsetNode, 'OFFSET');
  return {
    select,
    where,
    groupBy,
    orderBy,
    limit,
    offset,
    ...(offsetNode !== null ? { offsetStart: at(offsetNode) ?? 0 } : {}),
  };
}

function mapFrom(query: AstNode): void {
  const from = query['select_from'];
  if (from == null) throw unsupported('A query without FROM events', at(query));
  const join = asNode(from, query);
  if (join['next_join'] != null) throw unsupported('JOIN', at(asNode(join['next_join'], join)));
  if (join['sample'] != null) throw unsupported('SAMPLE', at(join));
  if (join['table_final'] === true) throw unsupported('FINAL', at(join));
  if (join['table_args'] != null) throw unsupported('Table functions', at(join));
  const table = asNode(join['table'], join);
  if (table.node === 'SelectQuery' || table.node === 'SelectSetQuery')
    throw unsupported('Subqueries', at(table));
  const chain = table.node === 'Field' ? list(table['chain']) : [];
  if (chain.length !== 1 || chain[0] !== 'events')
    throw unsupported(`The table ${chain.map(String).join('.') || table.node} (only FROM events)`, at(table));
  if (typeof join['alias'] === 'string') throw unsupported('A table alias (FROM events AS …)', at(join));
}

function mapSelectItem(item: AstNode): SelectItem {
  if (item.node === 'Alias') {
    const alias = item['alias'];
    if (typeof alias !== 'string') throw queryError('An alias must be a name', at(item));
    return { expr: mapExpr(asNode(item['expr'], item), 0), alias };
  }
  if (item.node === 'Field' && list(item['chain']).at(-1) === '*')
    throw unsupported('SELECT * (name the columns)', at(item));
  return { expr: mapExpr(item, 0), alias: null };
}

function mapOrder(item: AstNode): OrderItem {
  if (item.node !== 'OrderExpr') throw unsupported(`${item.node} in ORDER BY`, at(item));
  return {
    expr: mapExpr(asNode(item['expr'], item), 0),
    direction: item['order'] === 'DESC' ? 'DESC' : 'ASC',
  };
}

/** A LIMIT or OFFSET: a non-negative integer literal. */
function count(node: AstNode, clause: string): number {
  const value = node['value'];
  if (node.node !== 'Constant' || typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw unsupported(`${clause} that is not a whole number`, at(node));
  return value;
}

function mapExpr(node: AstNode, depth: number): Expr {
  if (depth > MAX_NESTING) throw unsupported(`Nesting deeper than ${MAX_NESTING} levels`, at(node));
  const sub = (key: string): Expr => mapExpr(asNode(node[key], node), depth + 1);
  const subs = (key: string): Expr[] => list(node[key]).map((e) => mapExpr(asNode(e, node), depth + 1));
  const span = { start: at(node) ?? 0, end: node.end?.offset ?? at(node) ?? 0 };
  switch (node.node) {
    case 'Constant': {
      const value = node['value'] ?? null;
      // `x IS NULL` arrives as `x = NULL`.
      if (value === null) throw unsupported('NULL (also IS NULL and IS NOT NULL)', span.start);
      if (typeof value === 'boolean') throw unsupported('The literals true and false', span.start);
      if (typeof value !== 'string' && typeof value !== 'number')
        throw unsupported('This literal', span.start);
      return { type: 'constant', value, ...span };
    }
    case 'Field': {
      const chain = list(node['chain']).map(String);
      if (chain.at(-1) === '*') throw unsupported('* outside count(*)', span.start);
      return { type: 'field', chain, ...span };
    }
    case 'ArrayAccess': {
      // properties['a b'] is a property lookup; any other indexing is not.
      const base = mapExpr(asNode(node['array'], node), depth + 1);
      const key = asNode(node['property'], node);
      if (base.type === 'field' && key.node === 'Constant' && typeof key['value'] === 'string')
        return { type: 'field', chain: [...base.chain, key['value']], ...span };
      throw unsupported("Indexing other than properties['name']", span.start);
    }
    case 'Call':
      return mapCall(node, depth, span);
    case 'And':
    case 'Or':
      return { type: node.node === 'And' ? 'and' : 'or', exprs: subs('exprs'), ...span };
    case 'Not':
      return { type: 'not', expr: sub('expr'), ...span };
    case 'CompareOperation':
      return mapCompare(node, depth, span);
    case 'BetweenExpr':
      throw unsupported('BETWEEN (write x >= low AND x <= high)', span.start);
    case 'ArithmeticOperation':
      throw unsupported(`Arithmetic (the operator ${String(node['op'])})`, span.start);
    case 'Tuple':
      throw unsupported('A tuple outside an IN list', span.start);
    case 'Alias':
      throw unsupported('An alias inside an expression', span.start);
    case 'SelectQuery':
    case 'SelectSetQuery':
      throw unsupported('Subqueries', span.start);
    case 'Placeholder':
      throw unsupported('Placeholders ({…})', span.start);
    default:
      throw unsupported(`${node.node} expressions`, span.start);
  }
}

function mapCall(node: AstNode, depth: number, span: { start: number; end: number }): Expr {
  const name = node['name'];
  if (typeof name !== 'string') throw queryError('A function call without a name', span.start);
  if (node['params'] != null && !isEmptyList(node['params']))
    throw unsupported(`Parametric ${name}(…)(…)`, span.start);
  if (node['filter_expr'] != null) throw unsupported(`${name}(…) FILTER (WHERE …)`, span.start);
  if (node['order_by'] != null && !isEmptyList(node['order_by']))
    throw unsupported(`ORDER BY inside ${name}()`, span.start);
  const rawArgs = list(node['args']).map((a) => asNode(a, node));
  // HogQL's grammar reads `NOT (x)` as the function not(x); and()/or() are functions too.
  const logical = name.toLowerCase();
  if (logical === 'not' && rawArgs.length === 1)
    return { type: 'not', expr: mapExpr(rawArgs[0]!, depth + 1), ...span };
  if ((logical === 'and' || logical === 'or') && rawArgs.length >= 2)
    return { type: logical, exprs: rawArgs.map((a) => mapExpr(a, depth + 1)), ...span };
  const star =
    rawArgs.length === 1 && rawArgs[0]!.node === 'Field' && list(rawArgs[0]!['chain']).at(-1) === '*';
  const args = star ? [] : rawArgs.map((a) => mapExpr(a, depth + 1));
  return { type: 'call', name, args, distinct: node['distinct'] === true, star, ...span };
}

function mapCompare(node: AstNode, depth: number, span: { start: number; end: number }): Expr {
  const op = String(node['op']);
  const leftNode = asNode(node['left'], node);
  const rightNode = asNode(node['right'], node);
  if (op === 'in' || op === 'not in') {
    const items =
      rightNode.node === 'Tuple' || rightNode.node === 'Array' ? list(rightNode['exprs']) : [rightNode];
    if (rightNode.node === 'SelectQuery' || rightNode.node === 'SelectSetQuery')
      throw unsupported('IN (subquery)', at(rightNode));
    return {
      type: 'in',
      negated: op === 'not in',
      expr: mapExpr(leftNode, depth + 1),
      list: items.map((e) => mapExpr(asNode(e, rightNode), depth + 1)),
      ...span,
    };
  }
  const compareOp = COMPARE_OPS[op];
  if (compareOp === undefined) throw unsupported(`The operator ${op.toUpperCase()}`, span.start);
  if (leftNode.node === 'Tuple' || rightNode.node === 'Tuple')
    throw unsupported(TUPLE_COMPARISON, span.start);
  return {
    type: 'compare',
    op: compareOp,
    left: mapExpr(leftNode, depth + 1),
    right: mapExpr(rightNode, depth + 1),
    ...span,
  };
}

function asNode(value: unknown, parent: AstNode | null): AstNode {
  if (typeof value === 'object' && value !== null && typeof (value as { node?: unknown }).node === 'string')
    return value as AstNode;
  throw queryError(
    'The parser returned a shape this target does not know',
    parent === null ? null : at(parent),
  );
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function isEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function at(node: AstNode): number | null {
  return node.start?.offset ?? null;
}
