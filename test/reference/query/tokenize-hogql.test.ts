import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { tokenizeHogQL, type Token } from '../../../src/reference/query/tokenize-hogql.js';
import { hogqlLiteral } from '../../../src/observe/hogql-literal.js';

const kinds = (tokens: Token[]): string[] =>
  tokens.map((t) =>
    t.kind === 'string'
      ? `s:${t.value}`
      : t.kind === 'number'
        ? `n:${t.value}`
        : t.kind === 'eof'
          ? 'eof'
          : t.kind === 'ident'
            ? `${t.quoted ? 'q' : 'i'}:${t.text}`
            : `o:${t.text}`,
  );

function refusal(text: string): HogQLError {
  try {
    tokenizeHogQL(text);
  } catch (error) {
    assert.ok(error instanceof HogQLError, `expected a HogQLError for ${text}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('tokenizeHogQL', () => {
  test('identifiers with $, quoted identifiers, numbers, operators', () => {
    assert.deepEqual(kinds(tokenizeHogQL('properties.$browser >= 1.5e3 AND `a b` <> "c""d" == x')), [
      'i:properties',
      'o:.',
      'i:$browser',
      'o:>=',
      'n:1500',
      'i:AND',
      'q:a b',
      'o:!=',
      'q:c"d',
      'o:=',
      'i:x',
      'eof',
    ]);
  });

  test('string escapes are decoded in one pass', () => {
    const [token] = tokenizeHogQL(String.raw`'it''s \'q\' a\\nb \n\t\0\a\v\b\f\r \x'`);
    assert.equal(token?.kind, 'string');
    assert.equal(token.kind === 'string' ? token.value : '', "it's 'q' a\\nb \n\t\0\x07\v\b\f\r \\x");
  });

  test('every string the poller escapes comes back unchanged', () => {
    for (const value of [
      "r'1",
      'back\\slash',
      'tab\there',
      'nl\nx',
      "'; DROP TABLE events; --",
      'nul\0bell\x07vt\v',
      '',
    ]) {
      const [token] = tokenizeHogQL(hogqlLiteral(value));
      assert.deepEqual(token?.kind === 'string' ? token.value : null, value);
    }
  });

  test('offsets point at each token', () => {
    const tokens = tokenizeHogQL('SELECT  uuid');
    assert.deepEqual(
      tokens.map((t) => [t.start, t.end]),
      [
        [0, 6],
        [8, 12],
        [12, 12],
      ],
    );
  });

  test('refuses statement separators, comments and placeholders by name', () => {
    assert.match(refusal('SELECT 1; SELECT 2').message, /second statement or `;`.*position 8/);
    assert.match(refusal('SELECT 1 -- hi').message, /Comments \(--\)/);
    assert.match(refusal('SELECT /* x */ 1').message, /Comments \(\/\*\)/);
    assert.match(refusal('SELECT 1 # x').message, /Comments \(#\)/);
    assert.match(refusal('SELECT {x}').message, /Placeholders/);
    assert.match(refusal('SELECT a / b').message, /character '\/'/);
    assert.match(refusal('SELECT a || b').message, /character '\|'/);
    assert.equal(refusal('SELECT ?').hogqlCode, 'hogql_query_error');
  });

  test('unterminated strings and malformed numbers are syntax errors', () => {
    const unterminated = refusal("SELECT 'abc");
    assert.equal(unterminated.hogqlCode, 'hogql_syntax_error');
    assert.equal(unterminated.position, 7);
    assert.equal(refusal("SELECT 'ends with backslash\\'").hogqlCode, 'hogql_syntax_error');
    assert.match(refusal('SELECT 12abc').message, /Malformed number '12a'/);
  });

  test('a comment marker inside a string is just text', () => {
    const tokens = tokenizeHogQL("'-- not a comment /* nor this */ ;'");
    assert.deepEqual(kinds(tokens), ['s:-- not a comment /* nor this */ ;', 'eof']);
  });
});
