// HogQL through PostHog's grammar (@posthog/hogql-parser) and map-hogql-ast.ts: what PostHog
// parses maps onto the compiler's tree, what it refuses is a syntax error with a position, and
// what this target cannot run is refused by name.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { MAX_NESTING } from '../../../src/reference/query/map-hogql-ast.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import { printHogQL } from '../../../src/reference/query/print-hogql.js';

const parser = await createHogQLParser();
const parse = (text: string): ReturnType<typeof parser.parseSelect> => parser.parseSelect(text);

/** The WHERE clause, printed back: a compact way to assert structure and precedence. */
const where = (condition: string): string => {
  const parsed = parse(`SELECT uuid FROM events WHERE ${condition}`);
  assert.ok(parsed.where !== null);
  return printHogQL(parsed.where);
};

function refusal(text: string): HogQLError {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof HogQLError, `expected a HogQLError for ${text}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('createHogQLParser', () => {
  test('the poller’s rows query', () => {
    const q = parse(
      "SELECT uuid, created_at FROM events WHERE properties.ingestbench_run = 'r1' AND timestamp >= toDateTime('2026-01-01T00:00:00Z') " +
        "AND timestamp < toDateTime('2026-01-01 00:01:00') ORDER BY timestamp ASC, uuid DESC LIMIT 50000",
    );
    assert.deepEqual(
      q.select.map((s) => [printHogQL(s.expr), s.alias]),
      [
        ['uuid', null],
        ['created_at', null],
      ],
    );
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
    assert.deepEqual([q.limit, q.offset], [50000, null]);
  });

  test('aliases, aggregates and GROUP BY', () => {
    const q = parse(
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

  test('comparison operators, IN, NOT IN and literals', () => {
    assert.equal(
      where('a != 1 AND b <> 2 AND c == 3 AND d <= -4.5 AND e > 1e2'),
      '(a != 1 AND b != 2 AND c = 3 AND d <= -4.5 AND e > 100)',
    );
    assert.equal(
      where("uuid IN ('x', 'y') AND event NOT IN ('z')"),
      "(uuid IN ('x', 'y') AND event NOT IN ('z'))",
    );
  });

  test('field chains: $ names, quoted names, brackets, nested, table prefix', () => {
    const fields = parse(
      'SELECT properties.$browser, properties.`a b`, properties."q""x", properties[\'c.d\'], properties.a.b, person.properties.email, events.uuid FROM events',
    ).select.map((s) => (s.expr.type === 'field' ? s.expr.chain : null));
    assert.deepEqual(fields, [
      ['properties', '$browser'],
      ['properties', 'a b'],
      ['properties', 'q"x'],
      ['properties', 'c.d'],
      ['properties', 'a', 'b'],
      ['person', 'properties', 'email'],
      ['events', 'uuid'],
    ]);
  });

  test('time functions and intervals, as PostHog writes INTERVAL (a toInterval call)', () => {
    const [item] = parse('SELECT toStartOfInterval(timestamp, INTERVAL 10 second) FROM events').select;
    assert.equal(printHogQL(item!.expr), 'toStartOfInterval(timestamp, toIntervalSecond(10))');
    assert.equal(
      where("timestamp >= toDateTime('2026-01-01T00:00:00.000Z')"),
      "timestamp >= toDateTime('2026-01-01T00:00:00.000Z')",
    );
  });

  test('LIMIT and OFFSET are read; negative or fractional limits are refused', () => {
    assert.deepEqual(
      [parse('SELECT uuid FROM events').limit, parse('SELECT uuid FROM events').offset],
      [null, null],
    );
    assert.deepEqual(
      [
        parse('SELECT uuid FROM events LIMIT 5 OFFSET 3').limit,
        parse('SELECT uuid FROM events OFFSET 3').offset,
      ],
      [5, 3],
    );
    assert.match(refusal('SELECT uuid FROM events LIMIT -1').message, /LIMIT that is not a whole number/);
    assert.match(refusal('SELECT uuid FROM events LIMIT 1.5').message, /LIMIT that is not a whole number/);
  });

  test('every construct PostHog parses but this target cannot run is refused by name', () => {
    const cases: [string, RegExp][] = [
      ['SELECT * FROM events', /SELECT \*/],
      ['SELECT DISTINCT uuid FROM events', /SELECT DISTINCT/],
      ['WITH x AS (SELECT 1) SELECT uuid FROM events', /WITH/],
      ['SELECT uuid FROM persons', /The table persons/],
      ['SELECT uuid FROM db.events', /The table db\.events/],
      ['SELECT 1', /without FROM events/],
      ['SELECT uuid FROM (SELECT uuid FROM events)', /Subqueries/],
      ['SELECT uuid FROM events e JOIN persons p ON e.person_id = p.id', /JOIN is not supported/],
      ['SELECT uuid FROM events LEFT JOIN persons p ON 1 = 1', /JOIN is not supported/],
      ['SELECT uuid FROM events, persons', /JOIN/],
      ['SELECT uuid FROM events ARRAY JOIN x AS y', /ARRAY JOIN/],
      ['SELECT uuid FROM events UNION ALL SELECT uuid FROM events', /UNION/],
      ['SELECT event, count() FROM events GROUP BY event HAVING count() > 1', /HAVING/],
      ['SELECT uuid FROM events WHERE uuid IN (SELECT uuid FROM events)', /IN \(subquery\)/],
      ['SELECT (SELECT 1) FROM events', /Subqueries/],
      ["SELECT uuid FROM events WHERE event LIKE '%x'", /LIKE/],
      ["SELECT uuid FROM events WHERE event NOT ILIKE '%x'", /NOT ILIKE/],
      ['SELECT uuid FROM events SAMPLE 0.1', /SAMPLE/],
      ['SELECT uuid FROM events PREWHERE 1', /PREWHERE/],
      ['SELECT uuid FROM events FINAL', /FINAL/],
      ['SELECT uuid FROM events LIMIT 1 BY event', /LIMIT … BY/],
      ['SELECT uuid FROM events SETTINGS max_threads = 1', /settingsClause/],
      ['SELECT count() OVER () FROM events', /WindowFunction/],
      ['SELECT quantile(0.5)(timestamp) FROM events', /Parametric quantile/],
      ['SELECT (1, 2) FROM events', /tuple outside/],
      ['SELECT a * 2 FROM events', /operator \*/],
      [
        'SELECT uuid FROM events WHERE timestamp > now() - INTERVAL 5 MINUTE',
        /Arithmetic \(the operator -\)/,
      ],
      ['SELECT uuid FROM events WHERE a BETWEEN 1 AND 2', /BETWEEN/],
      ['SELECT uuid FROM events WHERE a NOT BETWEEN 1 AND 2', /BETWEEN/],
      ["SELECT uuid FROM events WHERE (timestamp, uuid) > ('2026-01-01', 'u')", /tuple comparison/],
      ['SELECT uuid FROM events WHERE (a, b) = (1, 2)', /tuple comparison/],
      ['SELECT uuid FROM events WHERE a IS NULL', /NULL/],
      ['SELECT uuid FROM events WHERE a IS NOT NULL', /NULL/],
      ['SELECT uuid FROM events WHERE a = null', /NULL/],
      ['SELECT uuid FROM events WHERE a = true', /true and false/],
      ['SELECT uuid FROM events WHERE FALSE', /true and false/],
      ['SELECT e.uuid FROM events AS e', /table alias/],
      ['SELECT uuid FROM events e', /table alias/],
      ['SELECT properties[1] FROM events', /Indexing/],
      ['SELECT uuid FROM events WHERE event = {p}', /Placeholders/],
    ];
    for (const [text, pattern] of cases) {
      const error = refusal(text);
      assert.match(error.message, pattern, text);
      assert.match(error.message, /not supported/, text);
      assert.equal(error.hogqlCode, 'hogql_query_error', text);
    }
  });

  test('malformed queries are PostHog’s syntax errors, with a position', () => {
    const cases: [string, RegExp, number][] = [
      ['', /mismatched input '<EOF>'/, 0],
      ['DELETE FROM events', /mismatched input 'DELETE'/, 0],
      ['SELECT uuid FROM events WHERE (a = 1', /no viable alternative/, 36],
      ['SELECT uuid FROM events WHERE event NOT IN ()', /no viable alternative/, 45],
    ];
    for (const [text, pattern, position] of cases) {
      const error = refusal(text);
      assert.match(error.message, pattern, text);
      assert.equal(error.hogqlCode, 'hogql_syntax_error', text);
      assert.equal(error.position, position, text);
    }
  });

  test('a tree deeper than MAX_NESTING is refused before the compiler recurses into it', () => {
    // A long chain of `['a']` nests one level per lookup in the tree, yet parses fast.
    const deep = `SELECT uuid FROM events WHERE properties${"['a']".repeat(MAX_NESTING + 5)} = 'x'`;
    assert.match(refusal(deep).message, new RegExp(`deeper than ${MAX_NESTING}`));
    assert.equal(parser.broken, false);
  });
});
