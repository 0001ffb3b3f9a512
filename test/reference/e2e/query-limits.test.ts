// The query API of a running reference target under `--query-limits cloud`, over HTTP: PostHog's
// paging contract (LIMIT without hasMore, OFFSET refused), the per-minute throttle with
// Retry-After on the target's own clock, and the outcomes counted in /metrics.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';

import { startReferenceTarget, type ReferenceTarget } from '../../../src/reference/start-reference-target.js';
import { drained, makeEvents, PERSONAL_KEY, postBatch, scrape, TOKEN } from './e2e-helpers.js';

let target: ReferenceTarget;
let clock = Date.now();
before(async () => {
  target = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN],
    personalKey: PERSONAL_KEY,
    queryLimits: 'cloud',
    // A small minute quota so the test reaches it in a few queries; the rest is cloud's.
    queryLimitOverrides: { perMinute: 6 },
    queryClock: { now: () => clock },
  });
});
after(() => target.stop());

async function query(
  hogql: string,
): Promise<{ status: number; retryAfter: string | undefined; body: Record<string, unknown> }> {
  const response = await request(`${target.queryUrl}/api/projects/1/query/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PERSONAL_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { kind: 'HogQLQuery', query: hogql }, refresh: 'force_blocking' }),
  });
  const retryAfter = response.headers['retry-after'];
  return {
    status: response.statusCode,
    retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

const outcomeCount = (text: string, outcome: string): number =>
  Number(
    new RegExp(`^ingestbench_queries_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN,
  );

test('cloud limits over HTTP: paging contract, throttle with Retry-After, outcomes in /metrics', async () => {
  assert.equal(await postBatch(target.captureUrl, makeEvents('q1', 130, true)), 200);
  await drained(target.metricsUrl);
  const where = "FROM events WHERE properties.ingestbench_run = 'q1'";

  const limited = await query(`SELECT uuid ${where} ORDER BY timestamp, uuid LIMIT 120`);
  assert.equal(limited.status, 200);
  assert.equal((limited.body['results'] as unknown[]).length, 120);
  assert.equal('hasMore' in limited.body, false, 'an explicit LIMIT carries no hasMore');

  const unlimited = await query(`SELECT uuid ${where}`);
  assert.deepEqual([(unlimited.body['results'] as unknown[]).length, unlimited.body['hasMore']], [100, true]);

  const offset = await query(`SELECT uuid ${where} ORDER BY timestamp LIMIT 10 OFFSET 10`);
  assert.equal(offset.status, 400);
  assert.deepEqual(Object.keys(offset.body).sort(), ['attr', 'code', 'detail', 'type']);
  assert.equal(offset.body['type'], 'validation_error');
  assert.match(String(offset.body['detail']), /keyset pagination/);

  // Three queries so far; three more fill the minute's quota of six.
  for (let i = 0; i < 3; i += 1) assert.equal((await query(`SELECT count() ${where}`)).status, 200);
  clock += 20_000;
  const throttled = await query(`SELECT count() ${where}`);
  assert.deepEqual(
    [throttled.status, throttled.retryAfter, throttled.body['type']],
    [429, '40', 'throttled_error'],
  );
  clock += 40_000;
  assert.deepEqual((await query(`SELECT count() ${where}`)).body['results'], [[130]]);

  const metrics = await scrape(target.metricsUrl);
  assert.deepEqual(
    ['answered', 'refused', 'throttled_minute', 'throttled_hour'].map((o) => outcomeCount(metrics, o)),
    [6, 1, 1, 0],
  );
});

test('a query past the maximum execution time is 504; its worker is replaced and the next query answers', async () => {
  const slow = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN],
    personalKey: PERSONAL_KEY,
    queryLimits: 'cloud',
    // Ample for a plain query on a loaded machine; the nested one below parses for about 20 s.
    queryLimitOverrides: { maxExecutionMs: 4_000 },
  });
  try {
    const send = async (hogql: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await request(`${slow.queryUrl}/api/projects/1/query/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PERSONAL_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: { kind: 'HogQLQuery', query: hogql } }),
      });
      return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
    };
    // PostHog's grammar parses a chain of 100 NOTs for about 20 s: a real slow query, no sleep.
    const deep = await send(`SELECT uuid FROM events WHERE ${'NOT '.repeat(100)}event = 'a'`);
    assert.equal(deep.status, 504);
    // PostHog's ClickHouseQueryTimeOut: 504, DRF's default code, the API's time limit in the detail.
    assert.deepEqual([deep.body['type'], deep.body['code']], ['server_error', 'error']);
    assert.match(
      String(deep.body['detail']),
      /^This query hit the \d+-second time limit for queries run through the API\./,
    );
    const next = await send('SELECT count() FROM events');
    assert.deepEqual([next.status, next.body['results']], [200, [[0]]]);
    assert.equal(outcomeCount(await scrape(slow.metricsUrl), 'timed_out'), 1);
  } finally {
    await slow.stop();
  }
});
