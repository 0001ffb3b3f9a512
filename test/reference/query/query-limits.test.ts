// The query handler under PostHog's limits, on a manual clock: 429 with Retry-After from the
// windows, 429 without it when no concurrency slot frees within the queue wait, 504 past the
// maximum execution time, and every outcome reported for /metrics.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import type { HttpResponse } from '../../../src/reference/http-types.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import {
  createQueryHandler,
  type QueryExecutor,
  type QueryDeps,
  type QueryOutcome,
} from '../../../src/reference/query/query-handler.js';
import {
  QUERY_LIMITS,
  resolveQueryLimits,
  type QueryLimits,
} from '../../../src/reference/query/query-limits.js';
import type { HogQLResult } from '../../../src/reference/query/run-hogql.js';
import { manualTime, type ManualTime } from './manual-timers.js';
import {
  inProcessExecutor,
  KEY,
  memoryStore,
  OTHER_PROJECT,
  PROJECT,
  queryRequest,
} from './store-fixture.js';

const db = memoryStore();
const parser = await createHogQLParser();
after(() => db.close());

const bodyOf = (res: HttpResponse | null): Record<string, unknown> => {
  assert.ok(res !== null);
  return JSON.parse(typeof res.body === 'string' ? res.body : res.body.toString('utf8')) as Record<
    string,
    unknown
  >;
};

const COUNT = 'SELECT count() FROM events';

/** An executor whose queries finish when the test says: stands in for queries still running. */
function heldExecutor(): { execute: QueryExecutor; started: number; finishAll(): void; aborted: number } {
  const waiting: (() => void)[] = [];
  const state = {
    started: 0,
    aborted: 0,
    execute: ((_text, _ctx, signal) => {
      state.started += 1;
      signal.addEventListener('abort', () => (state.aborted += 1));
      return new Promise<HogQLResult>((resolve) =>
        waiting.push(() =>
          resolve({
            results: [[1]],
            columns: ['x'],
            types: [['x', 'UInt8']],
            limit: 100,
            offset: 0,
            timings: [],
          }),
        ),
      );
    }) as QueryExecutor,
    finishAll() {
      for (const finish of waiting.splice(0)) finish();
    },
  };
  return state;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A handler on a manual clock under `limits`, recording every outcome. */
function limitedHandler(
  time: ManualTime,
  limits: QueryLimits,
  executor: Partial<Pick<QueryDeps, 'execute'>> = {},
): { handle: ReturnType<typeof createQueryHandler>; outcomes: QueryOutcome[] } {
  const outcomes: QueryOutcome[] = [];
  const handle = createQueryHandler({
    execute: inProcessExecutor(db, parser),
    ...executor,
    projectIds: new Set([PROJECT]),
    personalKeys: [KEY],
    now: () => time.now(),
    timers: time,
    limits,
    onOutcome: (o) => outcomes.push(o),
  });
  return { handle, outcomes };
}

describe('query limits in the handler', () => {
  test('cloud: the 241st query in a minute is 429 with Retry-After; the minute after, it is answered', async () => {
    const time = manualTime();
    const { handle, outcomes } = limitedHandler(time, QUERY_LIMITS.cloud);
    for (let i = 0; i < 240; i += 1) {
      const res = await handle(queryRequest(COUNT));
      assert.equal(res?.status, 200);
      time.advance(100);
    }
    const refused = await handle(queryRequest(COUNT));
    assert.equal(refused?.status, 429);
    // The first query was at 0 s, it is now 24 s: the window frees in 36 s.
    assert.equal(refused?.headers['retry-after'], '36');
    assert.deepEqual(bodyOf(refused), {
      type: 'throttled_error',
      code: 'throttled',
      detail: 'Request was throttled. Expected available in 36 seconds.',
      attr: null,
    });
    time.advance(36_000);
    assert.equal((await handle(queryRequest(COUNT)))?.status, 200);
    assert.deepEqual(
      [
        outcomes.filter((o) => o === 'answered').length,
        outcomes.filter((o) => o === 'throttled_minute').length,
      ],
      [241, 1],
    );
  });

  test('the hourly window refuses with a wait up to the rest of the hour', async () => {
    const time = manualTime();
    const { handle, outcomes } = limitedHandler(time, resolveQueryLimits('legacy'));
    for (let i = 0; i < 120; i += 1) assert.equal((await handle(queryRequest(COUNT)))?.status, 200);
    time.advance(60_000);
    const refused = await handle(queryRequest(COUNT));
    assert.deepEqual([refused?.status, refused?.headers['retry-after']], [429, '3540']);
    assert.equal(outcomes.at(-1), 'throttled_hour');
  });

  test('a fourth concurrent query waits for a slot; one still waiting after 30 s is 429 without Retry-After', async () => {
    const time = manualTime();
    const held = heldExecutor();
    const { handle, outcomes } = limitedHandler(
      time,
      resolveQueryLimits('cloud', { maxExecutionMs: Infinity }),
      { execute: held.execute },
    );
    const first = [handle(queryRequest(COUNT)), handle(queryRequest(COUNT)), handle(queryRequest(COUNT))];
    const fourth = handle(queryRequest(COUNT));
    await settle();
    assert.equal(held.started, 3, 'only three execute at once');
    time.advance(30_000);
    const refused = await fourth;
    assert.equal(refused?.status, 429);
    assert.equal(refused?.headers['retry-after'], undefined);
    const body = bodyOf(refused);
    assert.deepEqual([body['type'], body['code'], body['attr']], ['throttled_error', 'throttled', null]);
    // PostHog's detail is ConcurrencyLimitExceeded's text: the limit and the team's key.
    assert.match(
      String(body['detail']),
      new RegExp(
        `^Exceeded maximum concurrency limit: 3 for key: api:query:per-team:${PROJECT} and task: \\w+$`,
      ),
    );
    // A fifth gets the slot the first three free.
    const fifth = handle(queryRequest(COUNT));
    await settle();
    assert.equal(held.started, 3);
    held.finishAll();
    assert.deepEqual(
      (await Promise.all(first)).map((r) => r?.status),
      [200, 200, 200],
    );
    await settle();
    assert.equal(held.started, 4);
    held.finishAll();
    assert.equal((await fifth)?.status, 200);
    assert.deepEqual(outcomes.sort(), [
      'answered',
      'answered',
      'answered',
      'answered',
      'throttled_concurrency',
    ]);
  });

  test('concurrency 0 (an organisation over its API-queries quota): every query is held 30 s, then 429', async () => {
    const time = manualTime();
    const held = heldExecutor();
    const { handle, outcomes } = limitedHandler(time, resolveQueryLimits('cloud', { concurrent: 0 }), {
      execute: held.execute,
    });
    const query = handle(queryRequest(COUNT));
    let answered = false;
    void query.then(() => (answered = true));
    time.advance(29_999);
    await settle();
    assert.equal(answered, false, 'still held just before 30 s');
    time.advance(1);
    const refused = await query;
    assert.deepEqual([refused?.status, refused?.headers['retry-after']], [429, undefined]);
    assert.match(String(bodyOf(refused)['detail']), /^Exceeded maximum concurrency limit: 0 for key/);
    assert.equal(held.started, 0, 'nothing ran');
    assert.deepEqual(outcomes, ['throttled_concurrency']);
  });

  test('the minute window belongs to the personal key: two projects read with one key share it', async () => {
    const time = manualTime();
    const outcomes: QueryOutcome[] = [];
    const handle = createQueryHandler({
      execute: inProcessExecutor(db, parser),
      projectIds: new Set([PROJECT, OTHER_PROJECT]),
      personalKeys: [KEY, 'phx_second_key'],
      now: () => time.now(),
      timers: time,
      limits: resolveQueryLimits('cloud', { perMinute: 4 }),
      onOutcome: (o) => outcomes.push(o),
    });
    const statuses: (number | undefined)[] = [];
    for (const project of [PROJECT, OTHER_PROJECT, PROJECT, OTHER_PROJECT, OTHER_PROJECT])
      statuses.push((await handle(queryRequest(COUNT, { project })))?.status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429], 'the fifth query of the key, whatever the project');
    // Another key has a window of its own.
    assert.equal((await handle(queryRequest(COUNT, { key: 'phx_second_key' })))?.status, 200);
    assert.deepEqual(outcomes.filter((o) => o === 'throttled_minute').length, 1);
  });

  test('a query past the maximum execution time is cancelled and answered 504', async () => {
    const time = manualTime();
    const held = heldExecutor();
    const { handle, outcomes } = limitedHandler(time, QUERY_LIMITS.cloud, { execute: held.execute });
    const slow = handle(queryRequest(COUNT));
    await settle();
    time.advance(9_999);
    assert.equal(held.aborted, 0);
    time.advance(1);
    const res = await slow;
    assert.equal(res?.status, 504);
    assert.equal(held.aborted, 1, 'the executor was told to stop');
    assert.deepEqual(bodyOf(res)['type'], 'server_error');
    assert.deepEqual(outcomes, ['timed_out']);
    held.finishAll();
  });

  test('an in-process query that finishes after the limit is a 504 too', async () => {
    let t = 0;
    const handle = createQueryHandler({
      projectIds: new Set([PROJECT]),
      personalKeys: [KEY],
      now: () => t,
      limits: resolveQueryLimits('cloud', { maxExecutionMs: 5_000 }),
      // The clock moves while the query runs, as a slow query would move it.
      execute: () => {
        t += 5_001;
        return Promise.resolve({ results: [], columns: [], types: [], limit: 100, offset: 0, timings: [] });
      },
    });
    assert.equal((await handle(queryRequest(COUNT)))?.status, 504);
  });
});
