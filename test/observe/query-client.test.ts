import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createQueryClient, QueryError, retryAfterMs } from '../../src/observe/query-client.js';
import { QueryBudget } from '../../src/observe/query-budget.js';
import { startFakeQueryApi, type FakeQueryApi } from './fake-query-api.js';
import { VirtualClock } from './virtual-clock.js';

const KEY = 'phx_client_test_secret';
const COUNT = "SELECT count() FROM events WHERE timestamp >= toDateTime('2026-01-01T00:00:00.000Z')";

const isQueryError = (code: string, status: number | null) => (e: unknown) => {
  assert.ok(e instanceof QueryError, String(e));
  assert.equal(e.code, code);
  assert.equal(e.status, status);
  assert.ok(!e.message.includes(KEY), 'the key never appears in an error');
  return true;
};

describe('query client', () => {
  let clock: VirtualClock;
  let api: FakeQueryApi;
  before(async () => {
    clock = new VirtualClock(Date.UTC(2026, 0, 1));
    api = await startFakeQueryApi(clock, { projectId: '42', key: KEY });
  });
  after(() => api.close());
  const client = (over: Partial<Parameters<typeof createQueryClient>[0]> = {}) =>
    createQueryClient({
      queryUrl: `${api.url}/`,
      projectId: '42',
      personalKey: KEY,
      budgetPerMinute: 100,
      clock,
      ...over,
    });

  it('posts a blocking HogQLQuery with the bearer key and returns the rows', async () => {
    api.log.length = 0;
    const c = client();
    await c.preflight();
    const res = await c.query(COUNT);
    assert.deepEqual(res.results, [[0]]);
    assert.equal(res.hasMore, false);
    assert.equal(api.log.length, 2);
    assert.equal(api.log[0]!.authorization, `Bearer ${KEY}`);
    assert.deepEqual(c.stats(), { queries: 2, throttled: 0, failed: 0 });
  });

  it('waits Retry-After seconds on 429 and counts each throttled answer', async () => {
    api.log.length = 0;
    api.failNext(2, 429, { 'retry-after': '3' });
    const c = client();
    const res = await c.query(COUNT);
    assert.deepEqual(res.results, [[0]]);
    assert.deepEqual(
      api.log.map((l) => l.status),
      [429, 429, 200],
    );
    assert.ok(api.log[1]!.at - api.log[0]!.at >= 3000 && api.log[2]!.at - api.log[1]!.at >= 3000);
    assert.deepEqual(c.stats(), { queries: 3, throttled: 2, failed: 0 });
  });

  it('backs off exponentially on 429 without Retry-After, then gives up with a transient error', async () => {
    api.log.length = 0;
    api.failNext(3, 429);
    await client().query(COUNT);
    assert.deepEqual(
      api.log.slice(1).map((l, i) => l.at - api.log[i]!.at),
      [1000, 2000, 4000],
    );
    api.failNext(3, 429);
    await assert.rejects(
      client({ maxThrottleRetries: 2 }).query(COUNT),
      (e: unknown) => isQueryError('TARGET_REFUSED', 429)(e) && (e as QueryError).transient,
    );
  });

  it('maps 401/403 to TARGET_AUTH, 400 to TARGET_REFUSED with the detail, 5xx to a transient error', async () => {
    await assert.rejects(client({ personalKey: 'phx_wrong' }).query(COUNT), isQueryError('TARGET_AUTH', 401));
    api.failNext(1, 403);
    await assert.rejects(client().query(COUNT), isQueryError('TARGET_AUTH', 403));
    await assert.rejects(
      client().query('SELECT nonsense'),
      (e: unknown) =>
        isQueryError('TARGET_REFUSED', 400)(e) && /syntax_error: fake cannot run/.test((e as Error).message),
    );
    api.failNext(1, 503, {}, 'upstream down');
    await assert.rejects(
      client().query(COUNT),
      (e: unknown) => isQueryError('TARGET_REFUSED', 503)(e) && (e as QueryError).transient,
    );
    await assert.rejects(client({ projectId: '9' }).preflight(), isQueryError('TARGET_AUTH', 401));
  });

  it('reports a closed port as TARGET_UNREACHABLE', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const c = createQueryClient({
      queryUrl: `http://127.0.0.1:${port}`,
      projectId: '1',
      personalKey: KEY,
      budgetPerMinute: 10,
      clock,
    });
    await assert.rejects(
      c.preflight(),
      (e: unknown) => isQueryError('TARGET_UNREACHABLE', null)(e) && (e as QueryError).transient,
    );
  });

  it('holds a query back until the budget has room', async () => {
    api.log.length = 0;
    const c = client({ budgetPerMinute: 2 });
    for (let i = 0; i < 5; i += 1) await c.query(COUNT);
    const t = api.log.map((l) => l.at - api.log[0]!.at);
    assert.deepEqual(t, [0, 0, 60_000, 60_000, 120_000]);
  });
});

describe('query budget', () => {
  it('allows N per sliding minute, never 2N across a boundary', () => {
    const b = new QueryBudget(3);
    for (const t of [0, 10, 20]) {
      assert.equal(b.waitMs(t), 0);
      b.take(t);
    }
    assert.equal(b.waitMs(30), 59_970);
    assert.equal(b.waitMs(60_000), 0);
    b.take(60_000);
    assert.equal(b.waitMs(60_005), 5);
    assert.equal(b.used(60_005), 3);
    assert.throws(() => new QueryBudget(0), RangeError);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(retryAfterMs('7', 0), 7000);
    assert.equal(retryAfterMs(new Date(5000).toUTCString(), 1000), 4000);
    assert.equal(retryAfterMs(undefined, 0), null);
    assert.equal(retryAfterMs('soon', 0), null);
  });
});
