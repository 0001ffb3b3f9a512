// One budget per personal API key, on a virtual clock against the fake query API with PostHog's
// throttles: clients handed one budget share its windows and its concurrency slots, and an
// observation that follows another on the same key plans its polls around the hour the first one
// used (the carried-over window), where a fresh budget runs into the target's hourly throttle.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runTag } from '../../src/generate/event-uuid.js';
import { createKeyBudget, type KeyBudget } from '../../src/observe/key-budget.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient } from '../../src/observe/query-client.js';
import { peak, plan, rowOf } from './acknowledged-ledger.js';
import { startFakeQueryApi, type FakeQueryApi } from './fake-query-api.js';
import { VirtualClock } from './virtual-clock.js';

const KEY = 'phx_key_budget_test';
const PROJECT = '7';
const COUNT = "SELECT count() FROM events WHERE timestamp >= toDateTime('2026-01-01T00:00:00.000Z')";
const HOUR_MS = 3_600_000;

describe('one query budget per key', () => {
  let clock: VirtualClock;
  let api: FakeQueryApi;
  before(async () => {
    clock = new VirtualClock(Date.UTC(2026, 0, 1, 12));
    api = await startFakeQueryApi(clock, { projectId: PROJECT, key: KEY });
  });
  after(() => api.close());
  const client = (budget?: KeyBudget) =>
    createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: KEY,
      clock,
      ...(budget ? { budget } : { limits: { perMinute: 3 } }),
    });

  it('two clients given one budget share its minute window', async () => {
    api.log.length = 0;
    const budget = createKeyBudget({ perMinute: 3 });
    const [a, b] = [client(budget), client(budget)];
    await a.query(COUNT);
    await a.query(COUNT);
    await b.query(COUNT);
    await b.query(COUNT); // the key's fourth query this minute waits for the first to leave
    const start = api.log[0]!.at;
    assert.deepEqual(
      api.log.map((l) => l.at - start),
      [0, 0, 0, 60_000],
    );
    assert.deepEqual(
      [a.stats().queries, b.stats().queries, budget.usage().queries],
      [2, 2, 4],
      "each client counts its own queries, the budget the key's",
    );
    assert.deepEqual([a.stats().peakPerMinute, budget.usage().peakPerMinute], [2, 3]);
    assert.deepEqual(budget.carried(clock.now()), [-60_000, -60_000, -60_000, 0]);
    // Two clients with budgets of their own would have sent all four at once.
    api.log.length = 0;
    const [c, d] = [client(), client()];
    for (const x of [c, c, d, d]) await x.query(COUNT);
    assert.equal(new Set(api.log.map((l) => l.at)).size, 1);
  });

  it('two clients given one budget share its concurrency slots', async () => {
    api.log.length = 0;
    api.answerDelayMs = 30;
    try {
      const budget = createKeyBudget({ concurrent: 2 });
      const [a, b] = [client(budget), client(budget)];
      await Promise.all([a, b, a, b, a, b].map((c) => c.query(COUNT)));
      assert.equal(api.log.length, 6);
      assert.equal(api.peakConcurrent, 2, 'at most 2 in flight for the key, and both slots used');
    } finally {
      api.answerDelayMs = 0;
    }
  });

  it('a slot given up by an aborted waiter goes to the next one', async () => {
    const budget = createKeyBudget({ concurrent: 1 });
    const release = await budget.acquireSlot();
    const gone = new AbortController();
    const aborted = budget.acquireSlot(gone.signal);
    const next = budget.acquireSlot();
    gone.abort(new Error('stopped'));
    release();
    await assert.rejects(aborted, /stopped/);
    const second = await next; // would hang if the wake-up died with the aborted waiter
    second();
  });

  describe('an observation after another on the same key (the carried-over hourly window)', () => {
    const LIMITS = { perMinute: 240, perHour: 400, concurrent: 3 };
    const OBSERVATION_MS = 3 * 60_000 + 60_000;

    /** Three minutes of events, observed until drained; the target throttles at the key's 400/h. */
    async function observe(runId: string, budget: KeyBudget) {
      const start = clock.now();
      const { ledger, events } = plan(runId, 90, start, 2000);
      for (const e of events) api.rows.push(rowOf(e, runId, e.intended + 1500));
      const poller = startPoller({
        client: client(budget),
        ledger,
        runId,
        runTag: runTag(runId),
        pollIntervalMs: 1000,
        clock,
        observationMs: OBSERVATION_MS,
      });
      while (clock.now() < start + 3 * 60_000) await new Promise((resolve) => setImmediate(resolve));
      return poller.drain(60_000);
    }

    /** Four observations one after the other, each with the budget `budgetFor(i)` gives it. */
    async function observeFour(budgetFor: (i: number) => KeyBudget) {
      api.rows.length = 0;
      api.log.length = 0;
      api.limits = { perMinute: LIMITS.perMinute, perHour: LIMITS.perHour };
      const results = [];
      const carried: number[] = [];
      try {
        for (let i = 0; i < 4; i += 1) {
          carried.push(api.log.length);
          results.push(await observe(`carry-${clock.now()}-${i}`, budgetFor(i)));
        }
      } finally {
        api.limits = {};
      }
      return { results, carried };
    }

    it('plans around the hour the earlier ones used: polls stretch, nothing is throttled, everything is seen', async () => {
      const budget = createKeyBudget(LIMITS);
      const { results, carried } = await observeFour(() => budget);
      assert.ok(
        api.log.every((l) => l.status === 200),
        'no query was throttled',
      );
      assert.ok(api.log.length > 300, `${api.log.length} queries: the hour was used, not starved`);
      assert.ok(
        peak(
          api.log.map((l) => l.at),
          HOUR_MS,
        ) <= LIMITS.perHour,
      );
      for (const r of results) {
        assert.equal(r.drained, true);
        assert.equal(r.visible, 180);
        assert.equal(r.throttled, 0);
      }
      const [first, , , last] = results;
      assert.doesNotMatch(first!.pollStretch ?? '', /past hour/, 'the first had the whole hour');
      // Each later one plans for what is left of 90 % of 400, less 4 kept for its end.
      for (const [i, r] of results.entries()) {
        if (i === 0) continue;
        const room = 356 - carried[i]!;
        assert.ok(
          r.pollIntervalMs >= (2 * OBSERVATION_MS) / room - 100,
          `observation ${i + 1}: interval ${r.pollIntervalMs} ms for ${room} queries left`,
        );
        assert.match(
          r.pollStretch ?? '',
          new RegExp(`, ${carried[i]} of them used in the past hour already`),
        );
      }
      assert.ok(
        last!.pollIntervalMs >= 3 * first!.pollIntervalMs,
        `intervals ${results.map((r) => r.pollIntervalMs).join(', ')}, carried ${carried.join(', ')}`,
      );
      assert.deepEqual([budget.usage().queries, budget.usage().throttled], [api.log.length, 0]);
    });

    it('fresh budgets for the same observations run into the target hourly throttle (what carrying prevents)', async () => {
      await clock.sleep(2 * HOUR_MS); // a new hour on the target
      const { results } = await observeFour(() => createKeyBudget(LIMITS));
      assert.ok(
        results.some((r) => r.throttled > 0),
        'the key was throttled',
      );
      assert.ok(api.log.some((l) => l.status === 429));
    });
  });
});
