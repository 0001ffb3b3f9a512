// Hostile HogQL: every attempt is refused with a 400 or read as a harmless literal, no attempt
// reads another project's rows, and the store is byte-for-byte the same size afterwards. User
// text never reaches the SQL text: only bound parameters carry it.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { hogqlLiteral } from '../../../src/observe/hogql-literal.js';
import { compileHogQL } from '../../../src/reference/query/compile-hogql.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import { printIdentifier } from '../../../src/reference/query/print-hogql.js';
import { createQueryHandler } from '../../../src/reference/query/query-handler.js';
import {
  fileStore,
  inProcessExecutor,
  insertEvents,
  KEY,
  PROJECT,
  queryRequest,
  tableCounts,
  T0,
  uuidFor,
} from './store-fixture.js';

const parser = await createHogQLParser();

const store = fileStore();
after(() => store.cleanup());

// A row whose property name and value are themselves hostile: exact lookups must find it.
const WEIRD_NAME = `a'); DROP TABLE events; --"."]\\[0]`;
const WEIRD_VALUE = `'; DELETE FROM events WHERE '1'='1' --\n/* \\' */`;
insertEvents(store.db, [
  { uuid: uuidFor(500), timestamp: T0, properties: { [WEIRD_NAME]: WEIRD_VALUE, ingestbench_run: 'weird' } },
]);

// The handler writes through nothing but its connection; give it the writer's, so a successful
// injection would have the power to change the store.
const handle = createQueryHandler({
  execute: inProcessExecutor(store.db, parser),
  projectIds: new Set([PROJECT]),
  personalKeys: [KEY],
  now: () => T0,
});
const countsBefore = tableCounts(store.db);
const schemaBefore = store.db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();

async function ask(hogql: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handle(queryRequest(hogql));
  assert.ok(res !== null);
  return { status: res.status, body: JSON.parse(String(res.body)) as Record<string, unknown> };
}

/** The SQL compiled for a query that was accepted: fixed fragments and `?` only. */
function sqlFor(hogql: string): string {
  return compileHogQL(parser.parseSelect(hogql), { projectId: PROJECT, now: T0 }).sql;
}

const SAFE_SQL = /^[A-Za-z0-9_ .,()*?=<>!%+-]*$/;
const withoutFixedLiterals = (sql: string): string => sql.replace(/'(integer|real|text)'/g, '');

describe('HogQL injection', () => {
  test('refused outright, with a 400 naming what is not allowed', async () => {
    const refused: [string, RegExp][] = [
      ["SELECT uuid FROM events WHERE event = ''; DROP TABLE events; --'", /mismatched input 'DROP'/],
      ["SELECT uuid FROM events WHERE event = '\\\\'; DROP TABLE events; --'", /mismatched input 'DROP'/],
      ['SELECT uuid FROM events; DELETE FROM events', /mismatched input 'DELETE'/],
      ['SELECT uuid FROM events UNION SELECT name FROM sqlite_master', /UNION/],
      ['SELECT uuid FROM events UNION ALL SELECT uuid FROM events', /UNION/],
      ['SELECT uuid FROM events WHERE uuid IN (SELECT uuid FROM events)', /IN \(subquery\)/],
      ['SELECT uuid FROM (SELECT * FROM events)', /Subqueries/],
      ['SELECT name FROM sqlite_master', /The table sqlite_master/],
      ["SELECT uuid FROM pragma_table_info('events')", /Table functions/],
      ['SELECT team_id FROM events', /Unknown column team_id/],
      ['SELECT uuid FROM events WHERE events.team_id = 8', /Unknown column events\.team_id/],
      ['SELECT id FROM events', /Unknown column id/],
      ['SELECT sqlite_version() FROM events', /The function sqlite_version\(\)/],
      ["SELECT load_extension('/tmp/x') FROM events", /The function load_extension\(\)/],
      ["SELECT uuid FROM events WHERE json_extract(properties, '$.a') = 1", /The function json_extract\(\)/],
      ["ATTACH DATABASE '/tmp/x.db' AS x", /mismatched input 'ATTACH'/],
      ['DROP TABLE events', /mismatched input 'DROP'/],
      ["UPDATE events SET event = 'x'", /mismatched input 'UPDATE'/],
      ['SELECT uuid FROM events e JOIN persons p ON 1 = 1', /JOIN/],
      ['SELECT uuid FROM events WHERE event = \u2019x\u2019', /Unexpected character U\+2019/],
      ['SELECT uuid FROM events WHERE event = x\u0000', /Unexpected character U\+0000/],
      ['SELECT properties["x"] FROM events', /Indexing/],
      [`SELECT uuid FROM events WHERE event = '${'x'.repeat(1_000_001)}'`, /1,000,000 characters/],
    ];
    for (const [hogql, detail] of refused) {
      const { status, body } = await ask(hogql);
      assert.equal(status, 400, hogql.slice(0, 80));
      assert.equal(body['type'], 'validation_error');
      assert.match(String(body['detail']), detail, hogql.slice(0, 80));
    }
  });

  test('quotes and SQL inside literals and property names are data, matched exactly', async () => {
    const literalCases = [
      "SELECT uuid FROM events WHERE event = '\\'; DROP TABLE events; --'",
      "SELECT uuid FROM events WHERE event = 'x'' OR ''1''=''1'",
      "SELECT uuid FROM events WHERE distinct_id = '\" OR 1=1 --'",
      "SELECT uuid FROM events WHERE properties.`a'); DROP TABLE events; --` = 1",
      "SELECT uuid FROM events WHERE properties['$.x\") OR 1=1 --'] = 'y'",
      "SELECT uuid FROM events WHERE properties.`\"` = 'x'",
      "SELECT uuid FROM events WHERE uuid IN ('x''); DROP TABLE events; --', '\\\\')",
      "SELECT uuid FROM events WHERE timestamp > toDateTime('2026-01-01') AND event = 'a/*b*/c--d;e'",
    ];
    for (const hogql of literalCases) {
      const { status, body } = await ask(hogql);
      assert.equal(status, 200, hogql);
      assert.deepEqual(body['results'], [], hogql);
      const sql = withoutFixedLiterals(sqlFor(hogql));
      assert.match(sql, SAFE_SQL, sql);
      assert.doesNotMatch(sql, /DROP|DELETE|--|;|OR 1/, sql);
    }
    const exact = await ask(
      `SELECT uuid, properties.${printIdentifier(WEIRD_NAME)} FROM events WHERE properties.${printIdentifier(WEIRD_NAME)} = ${hogqlLiteral(WEIRD_VALUE)}`,
    );
    assert.equal(exact.status, 200);
    assert.deepEqual(exact.body['results'], [[uuidFor(500), WEIRD_VALUE]]);
    assert.deepEqual(exact.body['columns'], ['uuid', WEIRD_NAME]);
  });

  test('comments are HogQL (PostHog accepts them) and cannot lift the project scope', async () => {
    for (const hogql of [
      'SELECT count() FROM events -- WHERE team_id = 8',
      'SELECT count() FROM events /* */ WHERE 1 = 1',
    ]) {
      const { status, body } = await ask(hogql);
      assert.equal(status, 200, hogql);
      const project = store.db
        .prepare<[number], number>('SELECT count(*) FROM events WHERE team_id = ?')
        .pluck()
        .get(PROJECT);
      assert.deepEqual(body['results'], [[project]], hogql);
    }
  });

  test('OR 1 = 1 stays inside the project', async () => {
    const all = await ask("SELECT count() FROM events WHERE event = 'nope' OR 1 = 1");
    const project = store.db
      .prepare<[number], number>('SELECT count(*) FROM events WHERE team_id = ?')
      .pluck()
      .get(PROJECT);
    assert.deepEqual(all.body['results'], [[project]]);
    const total = store.db.prepare<[], number>('SELECT count(*) FROM events').pluck().get();
    assert.ok(total! > project!, 'the fixture has rows in another project');
  });

  test('seeded random literals and property names never break out or fail', async () => {
    const alphabet = [
      "'",
      '"',
      '`',
      '\\',
      ';',
      '-',
      '/',
      '*',
      '(',
      ')',
      '[',
      ']',
      '.',
      '$',
      ' ',
      '\n',
      '\t',
      // Not '\0': PostHog's parser drops a NUL from a string literal ('x\0y' reads as 'xy').
      'a',
      'Z',
      '1',
      '%',
      '?',
      'é',
      '😀',
    ];
    let seed = 42;
    const random = (): number => {
      // mulberry32: small, seeded, good enough to spread characters.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const randomText = (): string =>
      Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 300; i += 1) {
      const name = randomText();
      const value = randomText();
      const hogql = `SELECT uuid, properties.${printIdentifier(name)} FROM events WHERE properties.${printIdentifier(name)} = ${hogqlLiteral(value)} OR event = ${hogqlLiteral(value)}`;
      const { status, body } = await ask(hogql);
      assert.equal(status, 200, hogql);
      assert.deepEqual(body['results'], [], hogql);
      assert.deepEqual(body['columns'], ['uuid', name]);
      assert.match(withoutFixedLiterals(sqlFor(hogql)), SAFE_SQL);
    }
  });

  test('the store is unchanged after every attempt', () => {
    assert.deepEqual(tableCounts(store.db), countsBefore);
    assert.deepEqual(
      store.db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
      schemaBefore,
    );
    assert.equal(store.db.prepare<[], string>('PRAGMA integrity_check').pluck().get(), 'ok');
  });
});
