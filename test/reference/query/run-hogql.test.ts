import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { compileHogQL } from '../../../src/reference/query/compile-hogql.js';
import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import { runHogQL, type HogQLResult } from '../../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../../src/reference/query/statement-cache.js';
import {
  insertEvents,
  memoryStore,
  OTHER_PROJECT,
  PROJECT,
  standardEvents,
  T0,
  uuidFor,
} from './store-fixture.js';

const parser = await createHogQLParser();

const NOW = T0 + 60_000;
const db = memoryStore([
  ...standardEvents(),
  // Typed and awkward properties, in run r3.
  {
    uuid: uuidFor(300),
    timestamp: T0 + 100_000,
    properties: {
      ingestbench_run: 'r3',
      n: 7,
      s: '7',
      b: true,
      z: null,
      o: { a: [1, 2] },
      'we"ird.name': 'w',
    },
  },
  {
    uuid: uuidFor(301),
    timestamp: T0 + 100_001,
    properties: { ingestbench_run: 'r3', n: 1, s: 'x', b: false },
  },
  { uuid: uuidFor(302), timestamp: T0 + 100_002, properties: { ingestbench_run: 'r3' } },
]);
const statements = new StatementCache(db);
after(() => db.close());

const run = (text: string, projectId = PROJECT): HogQLResult =>
  runHogQL(statements, parser, text, { projectId, now: NOW });
const uuids = (r: HogQLResult): unknown[] => r.results.map((row) => row[0]);
const seqUuids = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => uuidFor(from + i));

describe('runHogQL', () => {
  test('the poller’s range query: this run and project only, in time order, times as ISO strings', () => {
    const r = run(
      "SELECT uuid, created_at FROM events WHERE properties.ingestbench_run = 'r1' AND timestamp >= toDateTime('2026-01-01T00:00:03Z') " +
        "AND timestamp < toDateTime('2026-01-01 00:00:07') ORDER BY timestamp ASC LIMIT 50000",
    );
    assert.deepEqual(
      r.results,
      seqUuids(3, 7).map((u, i) => [u, `2026-01-01T00:00:0${3 + i}.500000Z`]),
    );
    assert.deepEqual(r.columns, ['uuid', 'created_at']);
    assert.deepEqual(r.types, [
      ['uuid', 'UUID'],
      ['created_at', "DateTime64(6, 'UTC')"],
    ]);
    assert.deepEqual([r.hasMore, r.limit, r.offset], [undefined, 50000, 0]);
    assert.deepEqual(
      r.timings.map((t) => t.k),
      ['./parse', './compile', './execute', './decode', '.'],
    );
  });

  test('what counts observation sends: classes × time buckets, rows and distinct uuids', () => {
    const perBucket = run(
      'SELECT properties.ingestbench_class AS cls, toStartOfInterval(timestamp, INTERVAL 5 SECOND) AS bucket, ' +
        'count() AS n, count(DISTINCT uuid) AS u ' +
        "FROM events WHERE properties.ingestbench_run = 'r1' GROUP BY cls, bucket ORDER BY bucket, cls",
    );
    assert.deepEqual(perBucket.columns, ['cls', 'bucket', 'n', 'u']);
    assert.deepEqual(perBucket.results.slice(0, 2), [
      ['anonymous', '2026-01-01T00:00:00Z', 2, 2],
      ['identified', '2026-01-01T00:00:00Z', 3, 3],
    ]);
    assert.equal(perBucket.results.length, 8);
  });

  test('the other project’s rows are never visible', () => {
    const mine = run("SELECT count() FROM events WHERE properties.ingestbench_run = 'r1'");
    const theirs = run("SELECT uuid FROM events WHERE properties.ingestbench_run = 'r1'", OTHER_PROJECT);
    assert.deepEqual(mine.results, [[20]]);
    assert.deepEqual(theirs.results, [[uuidFor(200)]]);
    assert.deepEqual(run('SELECT count() FROM events', 999).results, [[0]]);
  });

  test('uuid IN a list of 1000 literals', () => {
    const list = [...seqUuids(0, 20).filter((_, i) => i % 5 === 0), uuidFor(100)];
    const padding = Array.from(
      { length: 1000 - list.length },
      (_, i) => `ffffffff-0000-7000-8000-${String(i).padStart(12, '0')}`,
    );
    const r = run(
      `SELECT uuid FROM events WHERE properties.ingestbench_run = 'r1' AND uuid IN (${[...list, ...padding].map((u) => `'${u.toUpperCase()}'`).join(', ')}) ORDER BY uuid`,
    );
    assert.deepEqual(uuids(r), [uuidFor(0), uuidFor(5), uuidFor(10), uuidFor(15)]);
    const notIn = run(
      `SELECT count() FROM events WHERE properties.ingestbench_run = 'r1' AND uuid NOT IN ('${uuidFor(0)}')`,
    );
    assert.deepEqual(notIn.results, [[19]]);
  });

  test('counts per class, with a duplicated row counted in rows but not in uuids', () => {
    insertEvents(db, [
      {
        uuid: uuidFor(4),
        timestamp: T0 + 4000,
        properties: { ingestbench_run: 'r1', ingestbench_class: 'identified' },
      },
    ]);
    try {
      const r = run(
        "SELECT properties.ingestbench_class AS cls, count() AS rows, count(DISTINCT uuid) AS uuids FROM events WHERE properties.ingestbench_run = 'r1' GROUP BY cls ORDER BY cls",
      );
      assert.deepEqual(r.results, [
        ['anonymous', 10, 10],
        ['identified', 11, 10],
      ]);
      assert.deepEqual(r.columns, ['cls', 'rows', 'uuids']);
    } finally {
      db.prepare(
        "DELETE FROM events WHERE uuid = ? AND json_extract(properties, '$.ingestbench_seq') IS NULL",
      ).run(uuidFor(4));
    }
  });

  test('property values keep their JSON types, missing ones are null', () => {
    const r = run(
      "SELECT properties.n, properties.s, properties.b, properties.z, properties.o, properties.`we\"ird.name`, properties.missing FROM events WHERE properties.ingestbench_run = 'r3' ORDER BY timestamp",
    );
    assert.deepEqual(r.results, [
      [7, '7', true, null, { a: [1, 2] }, 'w', null],
      [1, 'x', false, null, null, null, null],
      [null, null, null, null, null, null, null],
    ]);
    assert.deepEqual(r.columns, ['n', 's', 'b', 'z', 'o', 'we"ird.name', 'missing']);
  });

  test('property equality is typed: numbers with numbers, strings with strings', () => {
    const where = (condition: string): unknown[] =>
      uuids(
        run(
          `SELECT uuid FROM events WHERE properties.ingestbench_run = 'r3' AND ${condition} ORDER BY timestamp`,
        ),
      );
    assert.deepEqual(where("properties.s = '7'"), [uuidFor(300)]);
    assert.deepEqual(where('properties.s = 7'), []);
    assert.deepEqual(
      where('properties.n != 7'),
      [uuidFor(301)],
      'a missing property is NULL, like ClickHouse',
    );
    assert.deepEqual(where("properties.s IN (7, 'x')"), [uuidFor(301)]);
  });

  test('ORDER BY an alias of a numeric property orders numbers, not their JSON text', () => {
    const r = run(
      "SELECT properties.ingestbench_seq AS s FROM events WHERE properties.ingestbench_run = 'r1' ORDER BY s DESC LIMIT 3",
    );
    assert.deepEqual(r.results, [[19], [18], [17]]);
  });

  test('person properties and person_id with a merge override', () => {
    db.prepare(
      'INSERT INTO person_overrides (team_id, old_person_id, override_person_id) VALUES (?, ?, ?)',
    ).run(PROJECT, '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b');
    try {
      const r = run(
        "SELECT person.properties.email, person_properties.email, person_id FROM events WHERE properties.ingestbench_run = 'r1' AND properties.ingestbench_seq IN (1, 2) ORDER BY timestamp",
      );
      assert.deepEqual(r.results, [
        [null, null, '00000000-0000-0000-0000-00000000000b'],
        ['user-2@example.com', 'user-2@example.com', '00000000-0000-0000-0000-00000000000b'],
      ]);
      const other = run(
        "SELECT person_id FROM events WHERE properties.ingestbench_run = 'r1'",
        OTHER_PROJECT,
      );
      assert.deepEqual(
        other.results,
        [['00000000-0000-0000-0000-00000000000a']],
        'overrides are per project',
      );
    } finally {
      db.prepare('DELETE FROM person_overrides').run();
    }
  });

  test('time buckets', () => {
    const r = run(
      'SELECT toStartOfInterval(timestamp, INTERVAL 5 SECOND) AS bucket, count() AS n FROM events ' +
        "WHERE properties.ingestbench_run = 'r1' GROUP BY bucket ORDER BY bucket",
    );
    assert.deepEqual(
      r.results,
      [0, 5, 10, 15].map((s) => [`2026-01-01T00:00:${String(s).padStart(2, '0')}Z`, 5]),
    );
  });

  test('a microsecond bound does not round a millisecond row to the wrong side', () => {
    const at = (condition: string): unknown =>
      run(`SELECT count() FROM events WHERE properties.ingestbench_run = 'r1' AND ${condition}`)
        .results[0]![0];
    assert.equal(at("timestamp >= '2026-01-01 00:00:01.000001'"), 18);
    assert.equal(at("timestamp > '2026-01-01 00:00:00.999999'"), 19);
    assert.equal(at("timestamp = '2026-01-01 00:00:01.000000'"), 1);
    assert.equal(at("timestamp = '2026-01-01 00:00:01.000500'"), 0);
  });

  test('NULLs sort last in both directions, as in ClickHouse', () => {
    const asc = run(
      "SELECT properties.n FROM events WHERE properties.ingestbench_run = 'r3' ORDER BY properties.n ASC",
    );
    const desc = run(
      "SELECT properties.n FROM events WHERE properties.ingestbench_run = 'r3' ORDER BY properties.n DESC",
    );
    assert.deepEqual(asc.results, [[1], [7], [null]]);
    assert.deepEqual(desc.results, [[7], [1], [null]]);
  });

  test('keyset pages on (timestamp, uuid) read every row exactly once; an explicit LIMIT has no hasMore', () => {
    const page = (after: readonly unknown[] | null): HogQLResult =>
      run(
        "SELECT uuid, timestamp FROM events WHERE properties.ingestbench_run = 'r1'" +
          (after === null
            ? ''
            : ` AND (timestamp > '${String(after[1])}' OR (timestamp = '${String(after[1])}' AND uuid > '${String(after[0])}'))`) +
          ' ORDER BY timestamp, uuid LIMIT 6',
      );
    const seen: unknown[] = [];
    let last: readonly unknown[] | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const r = page(last);
      assert.equal('hasMore' in r, false, 'PostHog computes hasMore only for a query without LIMIT');
      seen.push(...uuids(r));
      // A page as long as its LIMIT means "maybe more"; a shorter one is the end.
      if (r.results.length < 6) break;
      last = r.results[r.results.length - 1]!;
    }
    assert.deepEqual(seen, seqUuids(0, 20));
  });

  test('OFFSET is refused, pointing at keyset pagination', () => {
    assert.throws(
      () => run('SELECT uuid FROM events ORDER BY timestamp LIMIT 6 OFFSET 6'),
      (error: unknown) =>
        error instanceof HogQLError &&
        error.hogqlCode === 'hogql_query_error' &&
        /^OFFSET is not supported on queries made with a personal API key\. For pagination, use keyset pagination/.test(
          error.message,
        ),
    );
    assert.throws(() => run('SELECT uuid FROM events LIMIT 6, 6'), /keyset pagination/);
  });

  test('without LIMIT: 100 rows and hasMore computed', () => {
    const r = run("SELECT uuid FROM events WHERE properties.ingestbench_run = 'r1' ORDER BY timestamp");
    assert.deepEqual([r.results.length, r.hasMore, r.limit], [20, false, 100]);
  });

  test('LIMIT defaults to 100 and is capped at 50,000', () => {
    const many = Array.from({ length: 50_001 }, (_, i) => ({
      uuid: `bulk-${i}`,
      timestamp: T0 + i,
      properties: { ingestbench_run: 'bulk' },
    }));
    insertEvents(db, many);
    try {
      const byDefault = run("SELECT uuid FROM events WHERE properties.ingestbench_run = 'bulk'");
      assert.deepEqual([byDefault.results.length, byDefault.limit, byDefault.hasMore], [100, 100, true]);
      const capped = run(
        "SELECT uuid FROM events WHERE properties.ingestbench_run = 'bulk' ORDER BY timestamp LIMIT 60000",
      );
      assert.deepEqual([capped.results.length, capped.limit, 'hasMore' in capped], [50_000, 50_000, false]);
      assert.equal(capped.results[49_999]![0], 'bulk-49999');
    } finally {
      db.prepare("DELETE FROM events WHERE uuid LIKE 'bulk-%'").run();
    }
  });

  test('time ranges use the (team_id, timestamp) index, ordered without a sort', () => {
    for (const text of [
      "SELECT uuid, created_at FROM events WHERE properties.ingestbench_run = 'r1' AND timestamp >= toDateTime('2026-01-01T00:00:00Z') AND timestamp < toDateTime('2026-01-01T00:01:00Z') ORDER BY timestamp ASC LIMIT 50000",
      "SELECT uuid, timestamp AS t FROM events WHERE timestamp >= '2026-01-01' ORDER BY t DESC",
    ]) {
      const c = compileHogQL(parser.parseSelect(text), { projectId: PROJECT, now: NOW });
      const plan = db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${c.sql}`)
        .all(...c.params)
        .map((p) => p.detail)
        .join('\n');
      assert.match(plan, /SEARCH events USING INDEX events_team_timestamp \(team_id=\? AND timestamp>/, text);
      assert.doesNotMatch(plan, /TEMP B-TREE/, text);
    }
  });

  test('without a time range the project filter scans the table instead of walking the index', () => {
    const c = compileHogQL(
      parser.parseSelect(
        "SELECT properties.c AS c, count() FROM events WHERE properties.ingestbench_run = 'r1' GROUP BY c",
      ),
      { projectId: PROJECT, now: NOW },
    );
    const plan = db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${c.sql}`)
      .all(...c.params)
      .map((p) => p.detail);
    assert.ok(plan.includes('SCAN events'), plan.join('\n'));
  });

  test('one prepared statement per query shape, whatever the values', () => {
    const cache = new StatementCache(db);
    for (let n = 1; n <= 30; n += 1) {
      const list = Array.from({ length: n }, (_, i) => `'${uuidFor(i)}'`).join(', ');
      const r = runHogQL(
        cache,
        parser,
        `SELECT uuid FROM events WHERE properties.ingestbench_run = 'run-${n}' AND uuid IN (${list}) LIMIT ${n}`,
        {
          projectId: PROJECT,
          now: NOW,
        },
      );
      assert.deepEqual(r.results, []);
    }
    assert.equal(cache.size, 1);
  });

  test('the statement cache evicts the least recently used statement', () => {
    const cache = new StatementCache(db, 2);
    const a = cache.get('SELECT 1');
    cache.get('SELECT 2');
    assert.equal(cache.get('SELECT 1'), a);
    cache.get('SELECT 3');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('SELECT 1'), a, 'SELECT 1 was used last, so SELECT 2 went');
    assert.throws(() => cache.get('DELETE FROM events'), { code: 'INTERNAL' });
    assert.equal(db.prepare<[], number>('SELECT count(*) FROM events').pluck().get(), 25);
  });
});
