// Every HogQL string counts observation builds must be accepted by PostHog's own grammar
// (@posthog/hogql-parser) and run on the reference target's query API with the expected answer.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import createHogQLParser, { type HogQLParser } from '@posthog/hogql-parser';
import { bucketCountsQuery, bucketUuidsQuery, classCountsQuery } from '../../src/observe/counts-queries.js';
import { createHogQLParser as createReferenceParser } from '../../src/reference/query/parse-hogql.js';
import { runHogQL, type HogQLResult } from '../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../src/reference/query/statement-cache.js';
import { memoryStore, PROJECT, standardEvents, T0, uuidFor } from '../reference/query/store-fixture.js';

// Run r1 of the fixture (20 events a second apart from T0), plus a duplicate row of seq 3 and,
// in run "it's", two events with a quote in the run id.
const db = memoryStore([
  ...standardEvents(),
  {
    uuid: uuidFor(3),
    timestamp: T0 + 3000,
    properties: { ingestbench_run: 'r1', ingestbench_seq: 3, ingestbench_class: 'anonymous' },
  },
  {
    uuid: uuidFor(400),
    timestamp: T0 + 1,
    properties: { ingestbench_run: "it's", ingestbench_class: 'anonymous' },
  },
]);
const statements = new StatementCache(db);
const referenceParser = await createReferenceParser();
after(() => db.close());
const run = (text: string): HogQLResult =>
  runHogQL(statements, referenceParser, text, { projectId: PROJECT, now: T0 + 60_000 });

let parser: HogQLParser;
before(async () => {
  parser = await createHogQLParser();
});

function assertPostHogParses(text: string): void {
  const ast = JSON.parse(parser.parseSelect(text)) as { error?: unknown; message?: string };
  assert.equal(ast.error, undefined, `${text}\n→ ${ast.message ?? ''}`);
}

describe('counts observation queries', () => {
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

  test('bucketCountsQuery: rows and distinct uuids per class and bucket, duplicates apart', () => {
    const text = bucketCountsQuery('r1', 5000, [
      [T0, T0 + 10_000],
      [T0 + 15_000, T0 + 20_000],
    ]);
    assertPostHogParses(text);
    const r = run(text);
    assert.deepEqual(r.columns, ['event_class', 'bucket', 'row_count', 'uuid_count']);
    const rows = new Map(r.results.map((row) => [`${String(row[0])}@${String(row[1])}`, [row[2], row[3]]]));
    // Bucket 0-5 s: seqs 0..4; 3 anonymous rows (1, 3, 3 again) of 2 uuids; identified 0, 2, 4.
    assert.deepEqual(rows.get(`anonymous@${iso(T0)}`), [3, 2]);
    assert.deepEqual(rows.get(`identified@${iso(T0)}`), [3, 3]);
    assert.deepEqual(rows.get(`anonymous@${iso(T0 + 5000)}`), [3, 3]); // 5, 7, 9
    assert.deepEqual(rows.get(`identified@${iso(T0 + 15_000)}`), [2, 2]); // 16, 18
    assert.equal(rows.has(`anonymous@${iso(T0 + 10_000)}`), false);
    assert.equal(r.results.length, 6);
  });

  test('bucketCountsQuery: 1 s buckets, and a run id with a quote reads only its own run', () => {
    const one = bucketCountsQuery("it's", 1000, [[T0, T0 + 1000]]);
    assertPostHogParses(one);
    assert.deepEqual(run(one).results, [['anonymous', iso(T0), 1, 1]]);
    assert.throws(() => bucketCountsQuery('r1', 1500, [[T0, T0 + 1]]), RangeError);
    assert.throws(() => bucketCountsQuery('r1', 1000, []), RangeError);
  });

  test('classCountsQuery: rows and distinct uuids per class over the run’s range', () => {
    const text = classCountsQuery('r1', [T0, T0 + 5000]);
    assertPostHogParses(text);
    const r = run(text);
    assert.deepEqual(r.columns, ['event_class', 'row_count', 'uuid_count']);
    const byClass = Object.fromEntries(r.results.map((row) => [String(row[0]), [row[1], row[2]]])) as Record<
      string,
      unknown
    >;
    assert.deepEqual(byClass, { anonymous: [3, 2], identified: [3, 3] });
  });

  test('bucketUuidsQuery: distinct uuids of one range, paged by uuid (keyset, no OFFSET)', () => {
    const first = bucketUuidsQuery('r1', [T0, T0 + 6000], 4, null);
    assertPostHogParses(first);
    assert.doesNotMatch(first, /OFFSET/);
    const page1 = run(first).results.map((row) => row[0]);
    assert.deepEqual(page1, [0, 1, 2, 3].map(uuidFor));
    const next = bucketUuidsQuery('r1', [T0, T0 + 6000], 4, uuidFor(3));
    assertPostHogParses(next);
    assert.deepEqual(
      run(next).results.map((row) => row[0]),
      [4, 5].map(uuidFor),
    );
  });
});
