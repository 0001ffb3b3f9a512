// HogQL text → SelectQuery, by recursive descent over tokenize-hogql's tokens. Grammar of the
// subset (keywords case-insensitive):
//
//   SELECT item [AS alias], … FROM events [[AS] alias] [WHERE expr] [GROUP BY expr, …]
//   [ORDER BY expr [ASC|DESC], …] [LIMIT n [OFFSET m] | LIMIT m, n] [OFFSET m]
//   expr: OR < AND < NOT < comparison (= != < <= > >=, [NOT] IN (…), IS [NOT] NULL) < + - < atom
//   atom: literal, field (a.b.`c d`, properties['x']), f(args), f(DISTINCT x), INTERVAL n UNIT, (expr)
//
// HogQL constructs outside the subset that parse in PostHog (JOIN, UNION, subqueries, HAVING, …)
// are refused by name here, so the error says what to remove rather than "unexpected token".

import { syntaxError, unsupported } from './hogql-error.js';
import type { CompareOp, Expr, IntervalUnit, OrderItem, SelectItem, SelectQuery } from './hogql-ast.js';
import { INTERVAL_MS } from './hogql-ast.js';
import { tokenizeHogQL, type Token } from './tokenize-hogql.js';

/** Words that end an expression or a list, so they can never be read as a field name. */
const RESERVED = new Set(
  (
    'SELECT FROM WHERE GROUP BY ORDER LIMIT OFFSET AS AND OR NOT IN IS ASC DESC DISTINCT INTERVAL HAVING JOIN ' +
    'UNION WITH ON USING INNER LEFT RIGHT FULL CROSS ARRAY PREWHERE SAMPLE FINAL SETTINGS INTERSECT EXCEPT LIKE ' +
    'ILIKE BETWEEN CASE WHEN THEN ELSE END QUALIFY WINDOW OVER NULLS'
  ).split(' '),
);

/** Clauses HogQL has after FROM that this subset does not, keyed by their first word. */
const UNSUPPORTED_CLAUSES: ReadonlyMap<string, string> = new Map([
  ...['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'USING', 'ON'].map(
    (word) => [word, 'JOIN'] as const,
  ),
  ['ARRAY', 'ARRAY JOIN'],
  ...'PREWHERE SAMPLE FINAL HAVING UNION INTERSECT EXCEPT SETTINGS QUALIFY WINDOW'
    .split(' ')
    .map((w) => [w, w] as const),
]);

const COMPARE_OPS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);

/** Deeper nesting is refused: the parser and compiler recurse, and the stack is not for users to fill. */
export const MAX_NESTING = 200;

export function parseHogQL(text: string): SelectQuery {
  return new Parser(tokenizeHogQL(text)).query();
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  query(): SelectQuery {
    if (this.isWord('WITH')) throw unsupported('WITH (common table expressions)', this.peek().start);
    this.expectWord('SELECT');
    if (this.isWord('DISTINCT')) throw unsupported('SELECT DISTINCT', this.peek().start);
    const select = this.list(() => this.selectItem());
    if (!this.isWord('FROM'))
      throw syntaxError(`Expected FROM events, got ${describe(this.peek())}`, this.peek().start);
    this.next();
    const tableAlias = this.from();
    this.refuseClause();
    const where = this.acceptWord('WHERE') ? this.expr() : null;
    this.refuseClause();
    let groupBy: Expr[] = [];
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY');
      groupBy = this.list(() => this.expr());
    }
    this.refuseClause();
    let orderBy: OrderItem[] = [];
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      orderBy = this.list(() => this.orderItem());
    }
    const { limit, offset } = this.limitOffset();
    this.refuseClause();
    const end = this.peek();
    if (end.kind !== 'eof') throw syntaxError(`Unexpected ${describe(end)}`, end.start);
    return { select, tableAlias, where, groupBy, orderBy, limit, offset };
  }

  private selectItem(): SelectItem {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '*')
      throw unsupported('SELECT * (name the columns)', token.start);
    const expr = this.expr();
    if (!this.acceptWord('AS')) return { expr, alias: null };
    return { expr, alias: this.identifier('an alias after AS') };
  }

  private from(): string | null {
    const table = this.peek();
    if (table.kind === 'op' && table.text === '(') throw unsupported('Subqueries', table.start);
    if (table.kind !== 'ident')
      throw syntaxError(`Expected a table after FROM, got ${describe(table)}`, table.start);
    this.next();
    if (table.text !== 'events')
      throw unsupported(`The table \`${table.text}\` (only FROM events)`, table.start);
    if (this.isOp('.')) throw unsupported('Qualified table names', this.peek().start);
    if (this.acceptWord('AS')) return this.identifier('a table alias after AS');
    const alias = this.peek();
    if (alias.kind === 'ident' && (alias.quoted || !RESERVED.has(alias.text.toUpperCase()))) {
      this.next();
      return alias.text;
    }
    return null;
  }

  private refuseClause(): void {
    const token = this.peek();
    if (token.kind === 'op' && token.text === ',')
      throw unsupported('A second table in FROM (JOIN)', token.start);
    if (token.kind !== 'ident' || token.quoted) return;
    const clause = UNSUPPORTED_CLAUSES.get(token.text.toUpperCase());
    if (clause !== undefined) throw unsupported(clause, token.start);
  }

  private orderItem(): OrderItem {
    const expr = this.expr();
    let direction: 'ASC' | 'DESC' = 'ASC';
    if (this.acceptWord('DESC')) direction = 'DESC';
    else this.acceptWord('ASC');
    if (this.isWord('NULLS')) throw unsupported('NULLS FIRST/LAST', this.peek().start);
    if (this.isWord('WITH')) throw unsupported('ORDER BY … WITH FILL', this.peek().start);
    return { expr, direction };
  }

  private limitOffset(): { limit: number | null; offset: number | null } {
    let limit: number | null = null;
    let offset: number | null = null;
    if (this.acceptWord('LIMIT')) {
      limit = this.count('LIMIT');
      if (this.acceptOp(',')) {
        // ClickHouse's `LIMIT offset, count`.
        offset = limit;
        limit = this.count('LIMIT');
      } else if (this.acceptWord('OFFSET')) {
        offset = this.count('OFFSET');
      }
      if (this.isWord('BY')) throw unsupported('LIMIT BY', this.peek().start);
      if (this.isWord('WITH')) throw unsupported('LIMIT … WITH TIES', this.peek().start);
    }
    if (offset === null && this.acceptWord('OFFSET')) offset = this.count('OFFSET');
    return { limit, offset };
  }

  private count(clause: string): number {
    const token = this.peek();
    if (token.kind !== 'number' || !Number.isSafeInteger(token.value)) {
      throw syntaxError(`${clause} takes a whole number, got ${describe(token)}`, token.start);
    }
    this.next();
    return token.value;
  }

  // Expressions, loosest binding first.

  expr(): Expr {
    return this.nested(() => this.or());
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_NESTING) {
      throw unsupported(`An expression nested more than ${MAX_NESTING} levels deep`, this.peek().start);
    }
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private or(): Expr {
    const first = this.and();
    const exprs = [first];
    while (this.acceptWord('OR')) exprs.push(this.and());
    return exprs.length === 1
      ? first
      : { type: 'or', exprs, start: first.start, end: exprs[exprs.length - 1]!.end };
  }

  private and(): Expr {
    const first = this.not();
    const exprs = [first];
    while (this.acceptWord('AND')) exprs.push(this.not());
    return exprs.length === 1
      ? first
      : { type: 'and', exprs, start: first.start, end: exprs[exprs.length - 1]!.end };
  }

  private not(): Expr {
    const token = this.peek();
    if (!this.acceptWord('NOT')) return this.comparison();
    const expr = this.nested(() => this.not());
    return { type: 'not', expr, start: token.start, end: expr.end };
  }

  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === 'op' && COMPARE_OPS.has(token.text)) {
      this.next();
      const right = this.additive();
      return { type: 'compare', op: token.text as CompareOp, left, right, start: left.start, end: right.end };
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      const nul = this.peek();
      if (!this.acceptWord('NULL'))
        throw syntaxError(`Expected NULL after IS, got ${describe(nul)}`, nul.start);
      return { type: 'isNull', negated, expr: left, start: left.start, end: nul.end };
    }
    const negated = this.isWord('NOT') && this.isWordAt(1, 'IN');
    if (negated) this.next();
    if (this.acceptWord('IN')) return this.inList(left, negated);
    for (const word of ['LIKE', 'ILIKE', 'BETWEEN']) {
      if (this.isWord(word) || (this.isWord('NOT') && this.isWordAt(1, word)))
        throw unsupported(word, this.peek().start);
    }
    return left;
  }

  private inList(left: Expr, negated: boolean): Expr {
    const open = this.peek();
    if (!this.acceptOp('('))
      throw unsupported(`IN without a parenthesised list (IN ${describe(open)})`, open.start);
    if (this.isWord('SELECT')) throw unsupported('Subqueries', this.peek().start);
    const list = this.isOp(')') ? [] : this.list(() => this.additive());
    const close = this.expectOp(')');
    return { type: 'in', negated, expr: left, list, start: left.start, end: close.end };
  }

  private additive(): Expr {
    let left = this.unary();
    for (let terms = 1; ; terms += 1) {
      const token = this.peek();
      if (token.kind === 'op' && (token.text === '+' || token.text === '-')) {
        // Each term nests the tree one level deeper (left-associative).
        if (terms >= MAX_NESTING) throw unsupported(`More than ${MAX_NESTING} terms in a sum`, token.start);
        this.next();
        const right = this.unary();
        left = { type: 'arithmetic', op: token.text, left, right, start: left.start, end: right.end };
      } else if (token.kind === 'op' && token.text === '*') {
        throw unsupported('The operator *', token.start);
      } else {
        return left;
      }
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '-') {
      this.next();
      const number = this.peek();
      if (number.kind !== 'number') throw unsupported('Unary minus on anything but a number', token.start);
      this.next();
      return { type: 'constant', value: -number.value, start: token.start, end: number.end };
    }
    return this.atom();
  }

  private atom(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { type: 'constant', value: token.value, start: token.start, end: token.end };
      case 'number':
        return { type: 'constant', value: token.value, start: token.start, end: token.end };
      case 'op':
        if (token.text === '(') {
          if (this.isWord('SELECT')) throw unsupported('Subqueries', this.peek().start);
          const inner = this.expr();
          if (this.isOp(',')) throw unsupported('Tuples', this.peek().start);
          const close = this.expectOp(')');
          return { ...inner, start: token.start, end: close.end };
        }
        throw syntaxError(`Expected an expression, got ${describe(token)}`, token.start);
      case 'eof':
        throw syntaxError('Unexpected end of query', token.start);
      case 'ident':
        return this.identAtom(token);
    }
  }

  private identAtom(token: Extract<Token, { kind: 'ident' }>): Expr {
    const word = token.text.toUpperCase();
    if (!token.quoted) {
      if (word === 'TRUE' || word === 'FALSE')
        return { type: 'constant', value: word === 'TRUE', start: token.start, end: token.end };
      if (word === 'NULL') return { type: 'constant', value: null, start: token.start, end: token.end };
      if (word === 'INTERVAL') return this.interval(token.start);
      if (word === 'SELECT') throw unsupported('Subqueries', token.start);
      if (word === 'CASE') throw unsupported('CASE', token.start);
      if (RESERVED.has(word)) throw syntaxError(`Expected an expression, got ${token.text}`, token.start);
      if (this.isOp('(')) return this.call(token);
    }
    const chain = [token.text];
    let end = token.end;
    for (;;) {
      if (this.acceptOp('.')) {
        const part = this.next();
        if (part.kind === 'ident') chain.push(part.text);
        else if (part.kind === 'number' && Number.isSafeInteger(part.value)) chain.push(part.text);
        else throw syntaxError(`Expected a name after '.', got ${describe(part)}`, part.start);
        end = part.end;
      } else if (this.acceptOp('[')) {
        const key = this.next();
        if (key.kind !== 'string')
          throw unsupported(`Array access with ${describe(key)} (use ['name'])`, key.start);
        chain.push(key.value);
        end = this.expectOp(']').end;
      } else {
        return { type: 'field', chain, start: token.start, end };
      }
    }
  }

  private call(name: Extract<Token, { kind: 'ident' }>): Expr {
    this.expectOp('(');
    const distinct = this.acceptWord('DISTINCT');
    let star = false;
    let args: Expr[] = [];
    if (this.isOp('*')) {
      star = true;
      this.next();
    } else if (!this.isOp(')')) {
      args = this.list(() => this.expr());
    }
    const close = this.expectOp(')');
    if (this.isOp('(')) throw unsupported('Parametric functions `f(…)(…)`', this.peek().start);
    if (this.isWord('OVER')) throw unsupported('Window functions (OVER)', this.peek().start);
    return { type: 'call', name: name.text, args, distinct, star, start: name.start, end: close.end };
  }

  private interval(start: number): Expr {
    const amount = this.peek();
    if (amount.kind !== 'number' || !Number.isSafeInteger(amount.value) || amount.value < 0) {
      throw syntaxError(`INTERVAL takes a whole number, got ${describe(amount)}`, amount.start);
    }
    this.next();
    const unit = this.peek();
    const name = unit.kind === 'ident' ? unit.text.toUpperCase() : '';
    if (!(name in INTERVAL_MS)) {
      throw unsupported(
        `INTERVAL ${amount.value} ${unit.kind === 'ident' ? unit.text : describe(unit)} (units: SECOND, MINUTE, HOUR, DAY, WEEK)`,
        unit.start,
      );
    }
    this.next();
    return { type: 'interval', amount: amount.value, unit: name as IntervalUnit, start, end: unit.end };
  }

  // Token helpers.

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.acceptOp(',')) items.push(item());
    return items;
  }

  private identifier(what: string): string {
    const token = this.peek();
    if (token.kind !== 'ident' || (!token.quoted && RESERVED.has(token.text.toUpperCase()))) {
      throw syntaxError(`Expected ${what}, got ${describe(token)}`, token.start);
    }
    this.next();
    return token.text;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.i += 1;
    return token;
  }

  private isWordAt(offset: number, word: string): boolean {
    const token = this.peek(offset);
    return token.kind === 'ident' && !token.quoted && token.text.toUpperCase() === word;
  }

  private isWord(word: string): boolean {
    return this.isWordAt(0, word);
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  private expectWord(word: string): void {
    const token = this.peek();
    if (!this.acceptWord(word)) throw syntaxError(`Expected ${word}, got ${describe(token)}`, token.start);
  }

  private isOp(op: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === op;
  }

  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }

  private expectOp(op: string): Token {
    const token = this.peek();
    if (!this.acceptOp(op)) throw syntaxError(`Expected '${op}', got ${describe(token)}`, token.start);
    return token;
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the query';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${token.text}`;
    case 'op':
      return `'${token.text}'`;
    case 'ident':
      return token.quoted ? `the quoted name ${JSON.stringify(token.text)}` : `'${token.text}'`;
  }
}
