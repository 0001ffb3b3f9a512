import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createQueryClient, QueryError } from '../../src/observe/query-client.js';
import { POSTHOG_QUERY_LIMITS, QueryBudget } from '../../src/observe/query-budget.js';
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
    const { queries, throttled, failed } = c.stats();
    assert.deepEqual({ queries, throttled, failed }, { queries: 2, throttled: 0, failed: 0 });
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
    const { queries, throttled, failed } = c.stats();
    assert.deepEqual({ queries, throttled, failed }, { queries: 3, throttled: 2, failed: 0 });
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
      (e: unknown) => isQueryError('QUERY_THROTTLED', 429)(e) && (e as QueryError).transient,
    );
  });

  it('maps 401/403 to TARGET_AUTH, 400 to QUERY_REJECTED with the detail, 5xx to a transient error', async () => {
    await assert.rejects(client({ personalKey: 'phx_wrong' }).query(COUNT), isQueryError('TARGET_AUTH', 401));
    api.failNext(1, 403);
    await assert.rejects(client().query(COUNT), isQueryError('TARGET_AUTH', 403));
    await assert.rejects(
      client().query('SELECT nonsense'),
      (e: unknown) =>
        isQueryError('QUERY_REJECTED', 400)(e) && /syntax_error: fake cannot run/.test((e as Error).message),
    );
    api.failNext(1, 503, {}, 'upstream down');
    await assert.rejects(
      client().query(COUNT),
      (e: unknown) => isQueryError('QUERY_SERVER_ERROR', 503)(e) && (e as QueryError).transient,
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

  it('does not wait a Retry-After (or a budget) that ends past the deadline: budget exhausted at once', async () => {
    api.log.length = 0;
    api.failNext(1, 429, { 'retry-after': '3000' }); // PostHog's hourly throttle: most of an hour
    const c = client();
    const start = clock.now();
    await assert.rejects(
      c.query(COUNT, { deadline: () => start + 30_000 }),
      (e: unknown) => e instanceof QueryError && e.code === 'QUERY_BUDGET_EXHAUSTED',
    );
    assert.equal(clock.now(), start, 'nothing was waited');
    assert.equal(api.log.length, 1);
    // The budget's own wait, likewise: 2 a minute, the third would wait 60 s past a 10 s deadline.
    const tight = client({ limits: { perMinute: 2 } });
    await tight.query(COUNT);
    await tight.query(COUNT);
    await assert.rejects(
      tight.query(COUNT, { deadline: () => clock.now() + 10_000 }),
      (e: unknown) => e instanceof QueryError && e.code === 'QUERY_BUDGET_EXHAUSTED',
    );
    assert.equal(clock.now(), start);
  });

  it('cuts a long wait short when a deadline is set while it waits (drain after load)', async () => {
    api.log.length = 0;
    const c = client({ limits: { perMinute: 1 } });
    await c.query(COUNT);
    let deadline = Infinity;
    const start = clock.now();
    const pending = c.query(COUNT, { deadline: () => deadline });
    while (clock.now() < start + 5000) await clock.sleep(0);
    deadline = clock.now() + 1000; // the drain began: 55 s of budget wait no longer fit
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof QueryError && e.code === 'QUERY_BUDGET_EXHAUSTED',
    );
    assert.ok(clock.now() - start < 10_000, `gave up after ${clock.now() - start} ms`);
  });

  it('keeps at most `concurrent` queries in flight', async () => {
    api.log.length = 0;
    api.answerDelayMs = 30;
    try {
      const c = client({ limits: { concurrent: 2 } });
      await Promise.all(Array.from({ length: 7 }, () => c.query(COUNT)));
      assert.equal(api.log.length, 7);
      assert.ok(api.peakConcurrent <= 2, `peak ${api.peakConcurrent}`);
    } finally {
      api.answerDelayMs = 0;
    }
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
    assert.throws(() => new QueryBudget({ perHour: 1.5 }), RangeError);
  });

  it("holds both windows at once, PostHog's 240/min and 2,400/h by default", () => {
    const b = new QueryBudget({});
    assert.deepEqual(b.limits, POSTHOG_QUERY_LIMITS);
    let now = 0;
    let sent = 0;
    // Ask as fast as allowed for 90 minutes: never more than 240 in a minute or 2,400 in an hour.
    const times: number[] = [];
    while (now < 90 * 60_000) {
      const wait = b.waitMs(now);
      if (wait > 0) {
        now += wait;
        continue;
      }
      b.take(now);
      times.push(now);
      sent += 1;
      now += 100;
    }
    for (let i = 0; i < times.length; i += 1) {
      const t = times[i]!;
      assert.ok(times.filter((o) => o > t - 60_000 && o <= t).length <= 240);
      if (i % 50 === 0) assert.ok(times.filter((o) => o > t - 3_600_000 && o <= t).length <= 2400);
    }
    assert.equal(b.peaks().perMinute, 240);
    assert.equal(b.peaks().perHour, 2400);
    // The first hour: 2,400 sent in ten minutes, then nothing until the hour rolls past them.
    assert.equal(times.filter((t) => t < 3_600_000).length, 2400);
    assert.ok(sent > 2400 && sent <= 4800, `${sent}`);
  });
});
