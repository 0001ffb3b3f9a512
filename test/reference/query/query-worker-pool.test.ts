// The query worker threads: answers equal to running in-process, refusals crossing as the same
// HogQLError, and a query cancelled mid-parse stopping its worker (piscina's AbortSignal
// support), which is replaced.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import {
  startQueryWorkerPool,
  type QueryWorkerPool,
} from '../../../src/reference/query/query-worker-pool.js';
import { runHogQL } from '../../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../../src/reference/query/statement-cache.js';
import { fileStore, PROJECT, T0 } from './store-fixture.js';

const store = fileStore();
let pool: QueryWorkerPool;
before(async () => {
  pool = await startQueryWorkerPool({ storeFile: store.file }, 2);
});
after(async () => {
  await pool.close();
  store.cleanup();
});

const ctx = { projectId: PROJECT, now: T0 };
const live = (): AbortSignal => new AbortController().signal;
const COUNTS =
  "SELECT properties.ingestbench_class AS c, count(), count(DISTINCT uuid) FROM events WHERE properties.ingestbench_run = 'r1' GROUP BY c ORDER BY c";

describe('startQueryWorkerPool', () => {
  test('answers as the in-process path does, several queries at once', async () => {
    const parser = await createHogQLParser();
    const expected = runHogQL(new StatementCache(store.readDb), parser, COUNTS, ctx);
    const answers = await Promise.all([1, 2, 3, 4].map(() => pool.execute(COUNTS, ctx, live())));
    for (const answer of answers) {
      assert.deepEqual(answer.results, expected.results);
      assert.deepEqual(answer.columns, expected.columns);
    }
    assert.deepEqual(expected.results, [
      ['anonymous', 10, 10],
      ['identified', 10, 10],
    ]);
  });

  test('a refusal crosses as a HogQLError with its code and position', async () => {
    await assert.rejects(
      pool.execute('SELECT uuid FROM events LIMIT 5 OFFSET 5', ctx, live()),
      (error: unknown) =>
        error instanceof HogQLError &&
        error.hogqlCode === 'hogql_query_error' &&
        /keyset/.test(error.message),
    );
    await assert.rejects(
      pool.execute('SELECT uuid FROM', ctx, live()),
      (error: unknown) => error instanceof HogQLError && error.hogqlCode === 'hogql_syntax_error',
    );
  });

  test('aborting a running query terminates its worker; a replacement answers the next', async () => {
    const startedBefore = pool.started();
    const controller = new AbortController();
    // PostHog's grammar parses a chain of 100 NOTs for about 20 s: a query still running.
    const deep = `SELECT uuid FROM events WHERE ${'NOT '.repeat(100)}event = 'a'`;
    const running = pool.execute(deep, ctx, controller.signal);
    controller.abort();
    // piscina rejects a cancelled task with its AbortError, and ends the worker it ran on.
    await assert.rejects(running, (error: unknown) => error instanceof Error && error.name === 'AbortError');
    assert.equal(pool.started(), startedBefore + 1, 'one replacement worker');
    const after = await pool.execute(COUNTS, ctx, live());
    assert.equal(after.results.length, 2);
  });
});
