// HogQL text → tokens. Refuses, here and by name, what must never reach the parser: a second
// statement (`;`), comments (`--`, `/* */`), placeholders (`{x}`) and any character the subset
// has no use for. String escapes are the ones HogQL's parse_string accepts.

import { syntaxError, unsupported } from './hogql-error.js';

export type Token =
  /** Bare (`events`, `$browser`) or quoted (`` `a b` ``, `"a b"`) identifier. Keywords are bare identifiers. */
  | {
      readonly kind: 'ident';
      readonly text: string;
      readonly quoted: boolean;
      readonly start: number;
      readonly end: number;
    }
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly text: string;
      readonly start: number;
      readonly end: number;
    }
  | { readonly kind: 'op'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'eof'; readonly start: number; readonly end: number };

/** Longer queries are refused before any work: 1,000 uuids in an IN list are about 40 kB. */
export const MAX_QUERY_CHARS = 1_000_000;

const OPERATORS = ['==', '!=', '<>', '<=', '>=', '<', '>', '=', '(', ')', ',', '.', '*', '+', '-', '[', ']'];

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  r: '\r',
  n: '\n',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
  '\\': '\\',
};

const isIdentStart = (c: string): boolean => /[A-Za-z_$]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

export function tokenizeHogQL(text: string): Token[] {
  if (text.length > MAX_QUERY_CHARS) {
    throw unsupported(`A query of ${text.length} characters (the limit is ${MAX_QUERY_CHARS})`);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const next = text.charAt(i + 1);
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if ((c === '-' && next === '-') || (c === '/' && next === '*') || c === '#') {
      throw unsupported(`Comments (${c === '#' ? '#' : c + next})`, i);
    } else if (c === ';') {
      throw unsupported('A second statement or `;`', i);
    } else if (c === '{' || c === '}') {
      throw unsupported('Placeholders (`{name}`)', i);
    } else if (c === "'") {
      const end = closingQuote(text, i, "'");
      tokens.push({ kind: 'string', value: unescape(text.slice(i + 1, end), "'"), start: i, end: end + 1 });
      i = end + 1;
    } else if (c === '`' || c === '"') {
      const end = closingQuote(text, i, c);
      tokens.push({
        kind: 'ident',
        text: unescape(text.slice(i + 1, end), c),
        quoted: true,
        start: i,
        end: end + 1,
      });
      i = end + 1;
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (end < text.length && isIdentPart(text.charAt(end))) end += 1;
      tokens.push({ kind: 'ident', text: text.slice(i, end), quoted: false, start: i, end });
      i = end;
    } else if (isDigit(c)) {
      const end = numberEnd(text, i);
      const literal = text.slice(i, end);
      tokens.push({ kind: 'number', value: Number(literal), text: literal, start: i, end });
      i = end;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op === undefined) throw unsupported(`The character '${c}'`, i);
      tokens.push({
        kind: 'op',
        text: op === '==' ? '=' : op === '<>' ? '!=' : op,
        start: i,
        end: i + op.length,
      });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', start: text.length, end: text.length });
  return tokens;
}

/** Offset of the quote that closes the one at `open`; a doubled quote or a backslash escapes it. */
function closingQuote(text: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (text.charAt(i + 1) !== quote) return i;
      i += 2;
    } else {
      i += 1;
    }
  }
  throw syntaxError(
    `Unterminated ${quote === "'" ? 'string' : 'quoted identifier'} starting with ${quote}`,
    open,
  );
}

/** One pass, so `\\n` is a backslash and an n (HogQL's chained replaces get that one wrong). */
function unescape(body: string, quote: string): string {
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const c = body.charAt(i);
    if (c === '\\' && i + 1 < body.length) {
      const e = body.charAt(i + 1);
      const mapped = e === quote ? quote : STRING_ESCAPES[e];
      // An unknown escape stays as written, as in HogQL.
      out += mapped ?? c + e;
      i += 1;
    } else if (c === quote && body.charAt(i + 1) === quote) {
      out += quote;
      i += 1;
    } else {
      out += c;
    }
  }
  return out;
}

function numberEnd(text: string, start: number): number {
  let i = start;
  while (isDigit(text.charAt(i))) i += 1;
  if (text.charAt(i) === '.' && isDigit(text.charAt(i + 1))) {
    i += 1;
    while (isDigit(text.charAt(i))) i += 1;
  }
  if (/[eE]/.test(text.charAt(i))) {
    let j = i + 1;
    if (text.charAt(j) === '+' || text.charAt(j) === '-') j += 1;
    if (isDigit(text.charAt(j))) {
      while (isDigit(text.charAt(j))) j += 1;
      i = j;
    }
  }
  if (isIdentPart(text.charAt(i))) {
    throw syntaxError(`Malformed number '${text.slice(start, i + 1)}'`, start);
  }
  return i;
}
