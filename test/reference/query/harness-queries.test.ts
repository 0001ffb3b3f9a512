// Every HogQL string the harness builds (src/observe/poll-queries.ts, counts-queries.ts,
// src/targets/probe-preflight.ts) goes through PostHog's grammar and the reference compiler, and
// answers on the fixture store exactly. These are the queries the compiler's subset is cut to
// (the compiler's header, src/reference/query/compile-hogql.ts, points here).

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import {
  bucketCountsQuery,
  bucketUuidsQuery,
  classCountsQuery,
} from '../../../src/observe/counts-queries.js';
import { countsQuery, preflightQuery, rowsQuery } from '../../../src/observe/poll-queries.js';
import { probeQuery } from '../../../src/targets/probe-preflight.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import { runHogQL } from '../../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../../src/reference/query/statement-cache.js';
import { insertEvents, memoryStore, PROJECT, T0, uuidFor } from './store-fixture.js';

const parser = await createHogQLParser();
const db = memoryStore();
// The probe of run p1, a second into r1's first bucket (no run property: no run query sees it).
insertEvents(db, [{ uuid: uuidFor(900), timestamp: T0 + 500, properties: { ingestbench_probe: 'p1' } }]);
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

  test('counts observation: per-bucket counts, class totals, the drill-down’s uuid pages', () => {
    const buckets = run(bucketCountsQuery('r1', 5_000, [[T0, T0 + 10_000]]));
    assert.deepEqual(
      [...buckets].sort(
        (a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])),
      ),
      [
        ['anonymous', '2026-01-01T00:00:00Z', 2, 2],
        ['identified', '2026-01-01T00:00:00Z', 3, 3],
        ['anonymous', '2026-01-01T00:00:05Z', 3, 3],
        ['identified', '2026-01-01T00:00:05Z', 2, 2],
      ],
    );
    // Ordered by bucket, whatever the order within one.
    assert.deepEqual(
      buckets.map((r) => r[1]),
      ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z', '2026-01-01T00:00:05Z'],
    );
    // Two ranges in one query: the first bucket and the last one.
    const split = run(
      bucketCountsQuery('r1', 5_000, [
        [T0, T0 + 5_000],
        [T0 + 15_000, T0 + 20_000],
      ]),
    );
    assert.deepEqual(
      split.map((r) => r[1]),
      ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:15Z', '2026-01-01T00:00:15Z'],
    );
    assert.deepEqual(run(classCountsQuery('r1', [T0, T0 + 20_000])).sort(), [
      ['anonymous', 10, 10],
      ['identified', 10, 10],
    ]);
    const first = run(bucketUuidsQuery('r1', [T0, T0 + 5_000], 3, null));
    assert.deepEqual(
      first,
      [0, 1, 2].map((n) => [uuidFor(n)]),
    );
    const next = run(bucketUuidsQuery('r1', [T0, T0 + 5_000], 3, uuidFor(2)));
    assert.deepEqual(
      next,
      [3, 4].map((n) => [uuidFor(n)]),
    );
  });

  test('probe query: the probe’s own property, inside its time window', () => {
    assert.deepEqual(run(probeQuery('p1', T0)), [[uuidFor(900)]]);
    assert.deepEqual(run(probeQuery('p2', T0)), []);
  });
});
