// Expressions back to HogQL text, the way PostHog's HogQL printer writes them. Used for the
// `columns` of unaliased expressions, in error messages, and as a structural key (two
// expressions are the same when they print the same: `GROUP BY` matching).

import type { Expr } from './hogql-ast.js';

const BARE_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function printHogQL(expr: Expr): string {
  switch (expr.type) {
    case 'field':
      return expr.chain.map(printIdentifier).join('.');
    case 'constant':
      return printConstant(expr.value);
    case 'call': {
      const inner = expr.star ? '*' : expr.args.map(printHogQL).join(', ');
      return `${expr.name}(${expr.distinct ? 'DISTINCT ' : ''}${inner})`;
    }
    case 'compare':
      return `${printHogQL(expr.left)} ${expr.op} ${printHogQL(expr.right)}`;
    case 'in':
      return `${printHogQL(expr.expr)} ${expr.negated ? 'NOT IN' : 'IN'} (${expr.list.map(printHogQL).join(', ')})`;
    case 'and':
    case 'or':
      return `(${expr.exprs.map(printHogQL).join(expr.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `NOT ${printHogQL(expr.expr)}`;
  }
}

export function printIdentifier(name: string): string {
  if (BARE_IDENTIFIER.test(name)) return name;
  // PostHog's grammar reads a doubled backquote inside backquotes as one (not a backslashed one).
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '``') + '`';
}

function printConstant(value: string | number): string {
  if (typeof value === 'string') {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
  }
  return String(value);
}
