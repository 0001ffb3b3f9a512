import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { compileHogQL, type CompiledHogQL } from '../../../src/reference/query/compile-hogql.js';
import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';

const parser = await createHogQLParser();

const NOW = Date.UTC(2026, 0, 1, 12);
const compile = (text: string): CompiledHogQL =>
  compileHogQL(parser.parseSelect(text), { projectId: 7, now: NOW });

/** The WHERE clause's SQL after the project scope, and its parameters. */
function where(condition: string): [string, unknown[]] {
  const c = compile(`SELECT uuid FROM events WHERE ${condition}`);
  const sql = /WHERE \+?events\.team_id = \? AND (.*) LIMIT \? OFFSET \?$/.exec(c.sql)?.[1];
  assert.ok(sql !== undefined, c.sql);
  // params: [team, ...where, limit + 1, offset]
  return [sql, c.params.slice(1, -2)];
}

function refusal(text: string): HogQLError {
  try {
    compile(text);
  } catch (error) {
    assert.ok(error instanceof HogQLError, `expected a HogQLError for ${text}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

describe('compileHogQL', () => {
  test('columns map to fixed SQL, scoped to the project, with the default limit plus one', () => {
    const c = compile(
      'SELECT uuid, event, distinct_id, timestamp, created_at, inserted_at, properties, person_mode FROM events',
    );
    assert.equal(
      c.sql,
      'SELECT events.uuid AS c0, events.event AS c1, events.distinct_id AS c2, events.timestamp AS c3, events.created_at AS c4, ' +
        'events.inserted_at AS c5, events.properties AS c6, events.person_mode AS c7 FROM events WHERE +events.team_id = ? LIMIT ? OFFSET ?',
    );
    assert.deepEqual(c.params, [7, 101, 0]);
    assert.deepEqual(c.columns, [
      'uuid',
      'event',
      'distinct_id',
      'timestamp',
      'created_at',
      'inserted_at',
      'properties',
      'person_mode',
    ]);
    assert.deepEqual(c.types[3], ['timestamp', "DateTime64(6, 'UTC')"]);
    assert.deepEqual(c.types[0], ['uuid', 'UUID']);
    assert.deepEqual(c.cells, ['raw', 'raw', 'raw', 'time', 'time', 'time', 'raw', 'raw']);
    assert.deepEqual([c.limit, c.offset], [100, 0]);
  });

  test('person_id follows person overrides', () => {
    const c = compile('SELECT person_id FROM events');
    assert.match(
      c.sql,
      /^SELECT COALESCE\(\(SELECT o\.override_person_id FROM person_overrides o WHERE o\.team_id = events\.team_id AND o\.old_person_id = events\.person_id\), events\.person_id\) AS c0 FROM/,
    );
    assert.deepEqual(c.columns, ['person_id']);
  });

  test('properties are selected as JSON text with a bound, quoted path', () => {
    const c = compile(
      "SELECT properties.$browser, properties.`a\"b`, properties.a.b, person.properties.email, person_properties.plan, properties['x y'] FROM events",
    );
    assert.equal(
      c.sql,
      'SELECT (events.properties -> ?) AS c0, (events.properties -> ?) AS c1, (events.properties -> ?) AS c2, ' +
        '(events.person_properties -> ?) AS c3, (events.person_properties -> ?) AS c4, (events.properties -> ?) AS c5 ' +
        'FROM events WHERE +events.team_id = ? LIMIT ? OFFSET ?',
    );
    assert.deepEqual(c.params.slice(0, 6), [
      '$."$browser"',
      '$."a\\"b"',
      '$."a"."b"',
      '$."email"',
      '$."plan"',
      '$."x y"',
    ]);
    assert.deepEqual(c.columns, ['$browser', 'a"b', 'a__b', 'email', 'plan', 'x y']);
    assert.deepEqual(c.cells, ['json', 'json', 'json', 'json', 'json', 'json']);
    assert.equal(c.types[0]![1], 'Nullable(String)');
  });

  test('a time compared with toDateTime or a string binds milliseconds on the raw column', () => {
    assert.deepEqual(
      where("timestamp >= toDateTime('2026-01-01T00:00:00Z') AND timestamp < '2026-01-01 00:01:00.5'"),
      [
        '((events.timestamp >= ?) AND (events.timestamp < ?))',
        [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 1, 0, 500)],
      ],
    );
    assert.deepEqual(where("'2026-01-01' <= created_at"), [
      '(? <= events.created_at)',
      [Date.UTC(2026, 0, 1)],
    ]);
    assert.deepEqual(where("inserted_at > toDateTime('2026-01-01 00:00:00')"), [
      '(events.inserted_at > ?)',
      [Date.UTC(2026, 0, 1)],
    ]);
  });

  test('toStartOfInterval floors a time column to a multiple of its step', () => {
    const c = compile(
      'SELECT toStartOfInterval(timestamp, INTERVAL 10 SECOND) AS t, toStartOfInterval(created_at, INTERVAL 1 WEEK) FROM events',
    );
    assert.match(
      c.sql,
      /^SELECT \(events\.timestamp - \(events\.timestamp % \?\)\) AS c0, \(events\.created_at - \(events\.created_at % \?\)\) AS c1 FROM/,
    );
    assert.deepEqual(c.params.slice(0, 2), [10_000, 604_800_000]);
    assert.deepEqual(c.cells, ['time', 'time']);
    assert.deepEqual(c.columns, ['t', 'toStartOfInterval(created_at, toIntervalWeek(1))']);
  });

  test('a property is compared for equality with a bound value', () => {
    assert.deepEqual(where("properties.ingestbench_run = 'r1'"), [
      '(json_extract(events.properties, ?) = ?)',
      ['$."ingestbench_run"', 'r1'],
    ]);
    assert.deepEqual(where('person.properties.seq != 5'), [
      '(json_extract(events.person_properties, ?) != ?)',
      ['$."seq"', 5],
    ]);
  });

  test('AND, OR, NOT and plain column comparisons', () => {
    assert.deepEqual(where("NOT (event = 'a' OR event != 'b') AND distinct_id = 'c'"), [
      '((NOT ((events.event = ?) OR (events.event != ?))) AND (events.distinct_id = ?))',
      ['a', 'b', 'c'],
    ]);
  });

  test('IN binds one JSON array whatever its length; uuids compare in lower case', () => {
    const uuids = Array.from(
      { length: 1000 },
      (_, i) => `0190ABCD-0000-7000-8000-${String(i).padStart(12, '0')}`,
    );
    const [sql, params] = where(`uuid IN (${uuids.map((u) => `'${u}'`).join(', ')})`);
    assert.equal(sql, '(events.uuid IN (SELECT value FROM json_each(?)))');
    assert.deepEqual(
      JSON.parse(params[0] as string),
      uuids.map((u) => u.toLowerCase()),
    );
    assert.deepEqual(where("timestamp NOT IN ('2026-01-01', toDateTime('2026-01-02'))"), [
      '(events.timestamp NOT IN (SELECT value FROM json_each(?)))',
      [JSON.stringify([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2)])],
    ]);
    assert.deepEqual(where("properties.x IN (1, 'a')"), [
      '(json_extract(events.properties, ?) IN (SELECT value FROM json_each(?)))',
      ['$."x"', '[1,"a"]'],
    ]);
  });

  test('an AND evaluates cheap terms before property lookups, keeping parameters in step', () => {
    assert.deepEqual(
      where("properties.ingestbench_run = 'r1' AND uuid IN ('a') AND person_id = 'p' AND event = 'e'"),
      [
        '((events.uuid IN (SELECT value FROM json_each(?))) AND (events.event = ?) AND (json_extract(events.properties, ?) = ?) AND ' +
          '(COALESCE((SELECT o.override_person_id FROM person_overrides o WHERE o.team_id = events.team_id AND o.old_person_id = events.person_id), events.person_id) = ?))',
        ['["a"]', 'e', '$."ingestbench_run"', 'r1', 'p'],
      ],
    );
  });

  test('the (team_id, timestamp) index is used for time ranges and time order, a scan otherwise', () => {
    const team = (text: string): string | undefined =>
      /WHERE (\+?events\.team_id) = \?/.exec(compile(text).sql)?.[1];
    const indexed = [
      "SELECT uuid FROM events WHERE properties.r = 'x' AND timestamp >= '2026-01-01'",
      "SELECT uuid FROM events WHERE ('2026-01-01' <= timestamp AND timestamp < '2026-01-02') OR timestamp > '2026-01-03'",
      "SELECT uuid FROM events WHERE timestamp IN ('2026-01-01')",
      'SELECT uuid, timestamp AS t FROM events ORDER BY t DESC LIMIT 10',
    ];
    const scanned = [
      'SELECT count() FROM events',
      "SELECT uuid FROM events WHERE timestamp != '2026-01-01'",
      "SELECT uuid FROM events WHERE timestamp > '2026-01-01' OR event = 'x'",
      "SELECT uuid FROM events WHERE NOT timestamp > '2026-01-01'",
      "SELECT uuid FROM events WHERE created_at > '2026-01-01' ORDER BY uuid",
    ];
    for (const text of indexed) assert.equal(team(text), 'events.team_id', text);
    for (const text of scanned) assert.equal(team(text), '+events.team_id', text);
  });

  test('aggregates, aliases in GROUP BY and ORDER BY, NULLs last', () => {
    const c = compile(
      'SELECT properties.ingestbench_class AS cls, count() AS rows, count(DISTINCT uuid) AS uuids, count(distinct_id), count(*) ' +
        "FROM events WHERE properties.ingestbench_run = 'r1' GROUP BY cls ORDER BY rows DESC, cls",
    );
    assert.equal(
      c.sql,
      'SELECT (events.properties -> ?) AS c0, COUNT(*) AS c1, COUNT(DISTINCT events.uuid) AS c2, COUNT(events.distinct_id) AS c3, ' +
        'COUNT(*) AS c4 FROM events WHERE +events.team_id = ? ' +
        'AND (json_extract(events.properties, ?) = ?) GROUP BY c0 ORDER BY COUNT(*) DESC, json_extract(events.properties, ?) ASC NULLS LAST LIMIT ? OFFSET ?',
    );
    assert.deepEqual(c.params, [
      '$."ingestbench_class"',
      7,
      '$."ingestbench_run"',
      'r1',
      '$."ingestbench_class"',
      101,
      0,
    ]);
    assert.deepEqual(c.columns, ['cls', 'rows', 'uuids', 'count(distinct_id)', 'count(*)']);
    assert.deepEqual(
      c.types.map(([, t]) => t),
      ['Nullable(String)', 'UInt64', 'UInt64', 'UInt64', 'UInt64'],
    );
    assert.deepEqual(c.cells, ['json', 'raw', 'raw', 'raw', 'raw']);
  });

  test('GROUP BY an expression matches the same expression in SELECT', () => {
    const c = compile(
      'SELECT properties.ingestbench_class AS class, count() FROM events GROUP BY properties.ingestbench_class',
    );
    assert.match(c.sql, /GROUP BY \(events\.properties -> \?\)/);
    assert.deepEqual(c.params, ['$."ingestbench_class"', 7, '$."ingestbench_class"', 101, 0]);
  });

  test('an alias that names a column refers to the column inside its own definition', () => {
    const c = compile("SELECT uuid AS uuid FROM events WHERE uuid = 'X' ORDER BY uuid");
    assert.equal(
      c.sql,
      'SELECT events.uuid AS c0 FROM events WHERE +events.team_id = ? AND (events.uuid = ?) ORDER BY events.uuid ASC LIMIT ? OFFSET ?',
    );
    assert.deepEqual(c.params, [7, 'x', 101, 0]);
  });

  test('LIMIT is capped at 50,000 and fetched as is; no LIMIT fetches one more', () => {
    const c = compile('SELECT uuid FROM events LIMIT 1000000');
    assert.deepEqual([c.limit, c.paginated, c.params.slice(-2)], [50_000, false, [50_000, 0]]);
    const d = compile('SELECT events.uuid FROM events');
    assert.deepEqual([d.limit, d.paginated, d.params.slice(-2)], [100, true, [101, 0]]);
    assert.throws(() => compile('SELECT uuid FROM events LIMIT 5 OFFSET 40'), /keyset pagination/);
    assert.equal(compile('SELECT events.uuid FROM events LIMIT 0').limit, 0);
  });

  test('type errors and misuse are refused with the name of the problem', () => {
    const cases: [string, RegExp][] = [
      ['SELECT nope FROM events', /Unknown column nope on table events; the columns are uuid, event/],
      ['SELECT elements_chain FROM events', /Unknown column elements_chain/],
      ['SELECT uuid.x FROM events', /The column uuid has no field x/],
      ['SELECT foo.bar FROM events', /Unknown field foo\.bar/],
      ['SELECT person.name FROM events', /person\.name .*not supported/],
      ['SELECT sum(properties.x) FROM events', /The function sum\(\) \(supported: count/],
      ['SELECT lower(event) FROM events', /The function lower\(\)/],
      ['SELECT uuid FROM events WHERE count() > 1', /aggregate count\(\) is not allowed here/],
      ['SELECT count(count()) FROM events', /aggregate count\(\) is not allowed here/],
      ['SELECT count() AS c FROM events GROUP BY c', /aggregate count\(\) is not allowed here/],
      ['SELECT event, count() FROM events', /event must be in GROUP BY or inside an aggregate/],
      ['SELECT uuid, event FROM events GROUP BY event', /uuid must be in GROUP BY/],
      ['SELECT uuid FROM events WHERE properties.x', /WHERE needs a condition.*properties\.x/],
      ['SELECT uuid FROM events WHERE uuid = 1 AND event', /Cannot compare uuid \(UUID\) with 1 \(Int64\)/],
      ['SELECT uuid FROM events WHERE timestamp > 1700000000', /compare times with toDateTime/],
      ["SELECT uuid FROM events WHERE timestamp > 'yesterday'", /Cannot parse 'yesterday' as a time/],
      ["SELECT uuid FROM events WHERE toDateTime('2026-13-01') < timestamp", /Cannot parse '2026-13-01'/],
      ['SELECT uuid FROM events WHERE uuid IN (event)', /non-literal in an IN list/],
      ['SELECT uuid FROM events WHERE event IN (1, 2)', /Cannot look for 1 in event/],
      ['SELECT uuid FROM events WHERE timestamp > now() - 5', /Arithmetic \(the operator -\)/],
      ['SELECT INTERVAL 5 SECOND FROM events', /toIntervalSecond\(5\) outside toStartOfInterval\(\)/],
      ['SELECT toIntervalDay(1) FROM events', /toIntervalDay\(1\) outside toStartOfInterval\(\)/],
      [
        'SELECT toStartOfInterval(event, INTERVAL 1 SECOND) FROM events',
        /toStartOfInterval\(\) needs a time/,
      ],
      ['SELECT toStartOfInterval(timestamp, 5) FROM events', /needs INTERVAL n UNIT/],
      ['SELECT toDateTime(event) FROM events', /toDateTime\(\) of event/],
      ["SELECT toDateTime('2026-01-01', 'Europe/Paris') FROM events", /toDateTime\(\) with a timezone/],
      ['SELECT uniq(DISTINCT uuid) FROM events', /DISTINCT inside uniq\(\)/],
      ['SELECT count(uuid, event) FROM events', /count\(\) with 2 arguments/],
      ['SELECT uuid AS a, event AS a FROM events', /alias a is defined twice/],
      ['SELECT uuid FROM events ORDER BY 1', /ORDER BY a constant/],
      ['SELECT count() FROM events GROUP BY 1', /GROUP BY a constant/],
    ];
    for (const [text, pattern] of cases) {
      const error = refusal(text);
      assert.match(error.message, pattern, text);
      assert.equal(error.hogqlCode, 'hogql_query_error', text);
    }
  });
});
