import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Expr } from '../../../src/reference/query/hogql-ast.js';
import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { MAX_NESTING, parseHogQL } from '../../../src/reference/query/parse-hogql.js';
import { printHogQL } from '../../../src/reference/query/print-hogql.js';

/** The WHERE clause, printed back: a compact way to assert structure and precedence. */
const where = (condition: string): string => {
  const parsed = parseHogQL(`SELECT uuid FROM events WHERE ${condition}`);
  assert.ok(parsed.where !== null);
  return printHogQL(parsed.where);
};

function refusal(text: string): HogQLError {
  try {
    parseHogQL(text);
  } catch (error) {
    assert.ok(error instanceof HogQLError, `expected a HogQLError for ${text}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseHogQL', () => {
  test('the poller’s range query', () => {
    const q = parseHogQL(
      "SELECT uuid, created_at FROM events WHERE properties.ingestbench_run = 'r1' AND timestamp >= toDateTime('2026-01-01T00:00:00Z') " +
        "AND timestamp < toDateTime('2026-01-01 00:01:00') ORDER BY timestamp ASC, uuid DESC LIMIT 50000 OFFSET 10",
    );
    assert.deepEqual(
      q.select.map((s) => [printHogQL(s.expr), s.alias]),
      [
        ['uuid', null],
        ['created_at', null],
      ],
    );
    assert.equal(q.tableAlias, null);
    assert.equal(
      printHogQL(q.where!),
      "(properties.ingestbench_run = 'r1' AND timestamp >= toDateTime('2026-01-01T00:00:00Z') AND timestamp < toDateTime('2026-01-01 00:01:00'))",
    );
    assert.deepEqual(
      q.orderBy.map((o) => [printHogQL(o.expr), o.direction]),
      [
        ['timestamp', 'ASC'],
        ['uuid', 'DESC'],
      ],
    );
    assert.equal(q.limit, 50000);
    assert.equal(q.offset, 10);
  });

  test('aliases, aggregates and GROUP BY', () => {
    const q = parseHogQL(
      'select properties.ingestbench_class as cls, COUNT() AS rows, count(DISTINCT uuid) AS uuids, uniq(distinct_id), count(*) from events group by cls',
    );
    assert.deepEqual(
      q.select.map((s) => s.alias),
      ['cls', 'rows', 'uuids', null, null],
    );
    const calls = q.select.slice(1).map((s) => s.expr);
    assert.deepEqual(
      calls.map((c) => (c.type === 'call' ? [c.name, c.distinct, c.star, c.args.length] : null)),
      [
        ['COUNT', false, false, 0],
        ['count', true, false, 1],
        ['uniq', false, false, 1],
        ['count', false, true, 0],
      ],
    );
    assert.deepEqual(q.groupBy.map(printHogQL), ['cls']);
  });

  test('AND binds tighter than OR, NOT tighter than AND, parentheses override', () => {
    assert.equal(where('a = 1 OR b = 2 AND c = 3'), '(a = 1 OR (b = 2 AND c = 3))');
    assert.equal(where('(a = 1 OR b = 2) AND NOT c = 3'), '((a = 1 OR b = 2) AND NOT c = 3)');
    assert.equal(where('NOT (a = 1 AND b = 2)'), 'NOT (a = 1 AND b = 2)');
  });

  test('comparison operators, IN, NOT IN, IS NULL and literals', () => {
    assert.equal(
      where('a != 1 AND b <> 2 AND c == 3 AND d <= -4.5 AND e > 1e2'),
      '(a != 1 AND b != 2 AND c = 3 AND d <= -4.5 AND e > 100)',
    );
    assert.equal(where("uuid IN ('x', 'y') AND event NOT IN ()"), "(uuid IN ('x', 'y') AND event NOT IN ())");
    assert.equal(where('a IS NULL OR b IS NOT NULL'), '(a IS NULL OR b IS NOT NULL)');
    assert.equal(where('a = true AND b = FALSE AND c = null'), '(a = true AND b = false AND c = NULL)');
  });

  test('field chains: $ names, quoted names, brackets, nested, table prefix', () => {
    const fields = parseHogQL(
      'SELECT properties.$browser, properties.`a b`, properties."q""x", properties[\'c.d\'], properties.a.b, person.properties.email, e.uuid FROM events AS e',
    ).select.map((s) => (s.expr.type === 'field' ? s.expr.chain : null));
    assert.deepEqual(fields, [
      ['properties', '$browser'],
      ['properties', 'a b'],
      ['properties', 'q"x'],
      ['properties', 'c.d'],
      ['properties', 'a', 'b'],
      ['person', 'properties', 'email'],
      ['e', 'uuid'],
    ]);
    assert.equal(parseHogQL('SELECT uuid FROM events e').tableAlias, 'e');
  });

  test('time functions and intervals', () => {
    const [item] = parseHogQL('SELECT toStartOfInterval(timestamp, INTERVAL 10 second) FROM events').select;
    const call = item!.expr as Extract<Expr, { type: 'call' }>;
    assert.deepEqual(call.args[1], { type: 'interval', amount: 10, unit: 'SECOND', start: 36, end: 54 });
    assert.equal(where('timestamp > now() - INTERVAL 5 MINUTE'), 'timestamp > now() - toIntervalMinute(5)');
  });

  test('LIMIT forms', () => {
    assert.deepEqual(
      [parseHogQL('SELECT uuid FROM events').limit, parseHogQL('SELECT uuid FROM events').offset],
      [null, null],
    );
    const clickhouseForm = parseHogQL('SELECT uuid FROM events LIMIT 20, 5');
    assert.deepEqual([clickhouseForm.limit, clickhouseForm.offset], [5, 20]);
    assert.deepEqual([parseHogQL('SELECT uuid FROM events OFFSET 3').offset], [3]);
    assert.equal(refusal('SELECT uuid FROM events LIMIT -1').hogqlCode, 'hogql_syntax_error');
    assert.match(refusal('SELECT uuid FROM events LIMIT 1.5').message, /LIMIT takes a whole number/);
  });

  test('every unsupported construct is refused by name', () => {
    const cases: [string, RegExp][] = [
      ['SELECT * FROM events', /SELECT \*/],
      ['SELECT DISTINCT uuid FROM events', /SELECT DISTINCT/],
      ['WITH x AS (SELECT 1) SELECT uuid FROM events', /WITH/],
      ['SELECT uuid FROM persons', /The table `persons`/],
      ['SELECT uuid FROM (SELECT uuid FROM events)', /Subqueries/],
      ['SELECT uuid FROM events e JOIN persons p ON e.person_id = p.id', /JOIN is not supported/],
      ['SELECT uuid FROM events LEFT JOIN persons p ON 1 = 1', /JOIN is not supported/],
      ['SELECT uuid FROM events, persons', /JOIN/],
      ['SELECT uuid FROM events ARRAY JOIN x', /ARRAY JOIN/],
      ['SELECT uuid FROM events UNION ALL SELECT uuid FROM events', /UNION/],
      ['SELECT uuid FROM events WHERE 1 = 1 UNION SELECT 1', /UNION/],
      ['SELECT event, count() FROM events GROUP BY event HAVING count() > 1', /HAVING/],
      ['SELECT uuid FROM events WHERE uuid IN (SELECT uuid FROM events)', /Subqueries/],
      ['SELECT (SELECT 1) FROM events', /Subqueries/],
      ["SELECT uuid FROM events WHERE event LIKE '%x'", /LIKE/],
      ["SELECT uuid FROM events WHERE event NOT ILIKE '%x'", /ILIKE/],
      ['SELECT uuid FROM events WHERE timestamp BETWEEN 1 AND 2', /BETWEEN/],
      ['SELECT CASE WHEN 1 THEN 2 END FROM events', /CASE/],
      ['SELECT uuid FROM events SAMPLE 0.1', /SAMPLE/],
      ['SELECT uuid FROM events PREWHERE 1', /PREWHERE/],
      ['SELECT uuid FROM events FINAL', /FINAL/],
      ['SELECT uuid FROM events LIMIT 1 BY event', /LIMIT BY/],
      ['SELECT uuid FROM events SETTINGS max_threads = 1', /SETTINGS/],
      ['SELECT uuid FROM events ORDER BY uuid NULLS FIRST', /NULLS FIRST/],
      ['SELECT count() OVER () FROM events', /Window functions/],
      ['SELECT quantile(0.5)(timestamp) FROM events', /Parametric functions/],
      ['SELECT (1, 2) FROM events', /Tuples/],
      ['SELECT a * 2 FROM events', /operator \*/],
      ['SELECT -uuid FROM events', /Unary minus/],
      ['SELECT properties[1] FROM events', /Array access/],
      ['SELECT toStartOfInterval(timestamp, INTERVAL 1 MONTH) FROM events', /INTERVAL 1 MONTH/],
      ['SELECT uuid FROM events WHERE uuid IN uuids', /IN without a parenthesised list/],
      ['SELECT uuid FROM db.events', /Qualified table names|The table `db`/],
    ];
    for (const [text, pattern] of cases) {
      const error = refusal(text);
      assert.match(error.message, pattern, text);
      assert.match(error.message, /not supported/, text);
      assert.equal(error.hogqlCode, 'hogql_query_error', text);
    }
  });

  test('nesting deep enough to exhaust the stack is refused, not crashed on', () => {
    const deep = 10_000;
    const cases = [
      `SELECT uuid FROM events WHERE ${'('.repeat(deep)}event = 'a'${')'.repeat(deep)}`,
      `SELECT uuid FROM events WHERE ${'NOT '.repeat(deep)}event = 'a'`,
      `SELECT ${'toDateTime('.repeat(deep)}'2026-01-01'${')'.repeat(deep)} FROM events`,
      `SELECT uuid FROM events WHERE timestamp > now()${' - INTERVAL 1 SECOND'.repeat(deep)}`,
    ];
    for (const text of cases)
      assert.match(refusal(text).message, new RegExp(`${MAX_NESTING} (levels|terms)`));
    const fine = `SELECT uuid FROM events WHERE ${'('.repeat(50)}event = 'a'${')'.repeat(50)}`;
    assert.equal(parseHogQL(fine).where?.type, 'compare');
  });

  test('malformed queries are syntax errors with a position', () => {
    const cases: [string, RegExp][] = [
      ['', /Expected SELECT, got the end of the query/],
      ['DELETE FROM events', /Expected SELECT, got 'DELETE'/],
      ['SELECT uuid', /Expected FROM events, got the end/],
      ['SELECT uuid FROM events WHERE', /Unexpected end of query/],
      ['SELECT uuid FROM events WHERE (a = 1', /Expected '\)'/],
      ['SELECT uuid x FROM events', /Expected FROM events, got 'x'/],
      ['SELECT uuid FROM events WHERE a = 1 b', /Unexpected 'b'/],
      ['SELECT FROM events', /Expected an expression, got FROM/],
      ['SELECT uuid AS FROM events', /Expected an alias after AS/],
      ['SELECT properties. , uuid FROM events', /Expected a name after '.', got ','/],
    ];
    for (const [text, pattern] of cases) {
      const error = refusal(text);
      assert.match(error.message, pattern, text);
      assert.equal(error.hogqlCode, 'hogql_syntax_error', text);
      assert.equal(typeof error.position, 'number', text);
    }
  });
});
