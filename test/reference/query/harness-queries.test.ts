// Every HogQL string the harness builds (src/observe/poll-queries.ts) goes through PostHog's
// grammar and the reference compiler, and answers on the fixture store exactly.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { countsQuery, preflightQuery, rowsQuery } from '../../../src/observe/poll-queries.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import { runHogQL } from '../../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../../src/reference/query/statement-cache.js';
import { memoryStore, PROJECT, T0, uuidFor } from './store-fixture.js';

const parser = await createHogQLParser();
const db = memoryStore();
after(() => db.close());
const statements = new StatementCache(db);
const run = (text: string): unknown[][] =>
  runHogQL(statements, parser, text, { projectId: PROJECT, now: T0 + 3_600_000 }).results;

describe('the harness’s HogQL on PostHog’s grammar', () => {
  test('rows query: one range, several ranges, a keyset cut', () => {
    const one = run(rowsQuery({ runId: 'r1', ranges: [[T0, T0 + 5_000]], limit: 50_000 }));
    assert.deepEqual(
      one.map((r) => r[0]),
      [0, 1, 2, 3, 4].map(uuidFor),
    );
    const two = run(
      rowsQuery({
        runId: 'r1',
        ranges: [
          [T0, T0 + 2_000],
          [T0 + 18_000, T0 + 60_000],
        ],
        after: { ms: T0 + 1_000, uuid: uuidFor(1) },
        limit: 10,
      }),
    );
    assert.deepEqual(
      two.map((r) => r[0]),
      [1, 18, 19].map(uuidFor),
    );
    // The cut is on (timestamp, uuid): a greater uuid at the same millisecond skips the row there.
    const past = run(
      rowsQuery({
        runId: 'r1',
        ranges: [[T0, T0 + 2_000]],
        after: { ms: T0 + 1_000, uuid: uuidFor(2) },
        limit: 10,
      }),
    );
    assert.deepEqual(past, []);
  });

  test('counts query and preflight query', () => {
    assert.deepEqual(run(countsQuery('r1', [T0 - 60_000, T0 + 80_000])).sort(), [
      ['anonymous', 10, 10],
      ['identified', 10, 10],
    ]);
    // Bounded to the run's time range: rows outside it are not counted (nor scanned).
    assert.deepEqual(run(countsQuery('r1', [T0, T0 + 10_000])).sort(), [
      ['anonymous', 5, 5],
      ['identified', 5, 5],
    ]);
    assert.deepEqual(run(preflightQuery(T0 + 15_000)), [[5]]);
  });
});
