// The poller under PostHog's query limits, on a virtual clock: over a simulated hour the
// throttles (240/min, 2,400/h, 3 at once) are never exceeded and the interval stretch is
// reported; a 429 storm ends the drain at its deadline with "query budget exhausted" and the
// unseen events unverified; stop({ finalPollMs }) makes one bounded final poll.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runTag } from '../../src/generate/event-uuid.js';
import { EventStatus } from '../../src/load/ledger.js';
import { accountLedger } from '../../src/observe/account-ledger.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient } from '../../src/observe/query-client.js';
import { startFakeQueryApi, type FakeQueryApi } from './fake-query-api.js';
import { VirtualClock } from './virtual-clock.js';
import { peak, plan } from './acknowledged-ledger.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const KEY = 'phx_limits_test';
const PROJECT = '3';

describe('poller within PostHog query limits', () => {
  let clock: VirtualClock;
  let api: FakeQueryApi;
  before(async () => {
    clock = new VirtualClock(T0);
    api = await startFakeQueryApi(clock, { projectId: PROJECT, key: KEY });
  });
  after(() => api.close());

  it('over a simulated hour never exceeds 240/min, 2,400/h or 3 at once, and says it stretched the interval', async () => {
    const runId = 'hour-run';
    api.rows.length = 0;
    api.log.length = 0;
    api.limits = { perMinute: 240, perHour: 2400 }; // a throttled query would be logged as 429
    const start = clock.now();
    const hourMs = 3_600_000;
    const { ledger, events } = plan(runId, 1800, start, 2000); // one event a second for an hour
    for (const e of events)
      api.rows.push({
        uuid: e.uuid,
        timestampMs: Math.floor(e.intended),
        run: runId,
        cls: e.cls,
        commitAt: e.intended + 1500,
      });
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
      observationMs: hourMs + 60_000,
    });
    // The load "runs" for an hour of virtual time (the poller's sleeps move the clock).
    while (clock.now() < start + hourMs) await new Promise((resolve) => setImmediate(resolve));
    const result = await poller.drain(60_000);

    assert.equal(result.drained, true);
    assert.equal(result.visible, 3600);
    assert.ok(result.pollIntervalMs >= 3000, `interval ${result.pollIntervalMs}`);
    assert.equal(result.requestedPollIntervalMs, 1000);
    assert.match(result.pollStretch ?? '', /stretched from 1\.00 s to .* to fit 2400 queries\/hour/);
    assert.ok(result.resolutionMs >= result.pollIntervalMs);
    assert.ok(
      api.log.every((l) => l.status === 200),
      'no query was throttled',
    );
    const times = api.log.map((l) => l.at);
    assert.ok(peak(times, 60_000) <= 240, `peak per minute ${peak(times, 60_000)}`);
    assert.ok(peak(times, hourMs) <= 2400, `peak per hour ${peak(times, hourMs)}`);
    assert.ok(api.peakConcurrent <= 3);
    assert.equal(result.budget.peakPerHour, peak(times, hourMs));
    assert.ok(times.length > 1000, `${times.length} queries: the budget was used, not starved`);
    for (const e of events) {
      const delay = ledger.shard(e.worker).visibleAt(e.seq) - (e.intended + 1500);
      assert.ok(delay >= 0 && delay <= result.resolutionMs, `seen ${delay} ms after commit`);
    }
    api.limits = {};
  });

  it('rows that outgrow the hourly budget end observation: budget exhausted, what was read visible, the rest unverified', async () => {
    const runId = 'busy-run';
    api.rows.length = 0;
    api.log.length = 0;
    api.limits = { perMinute: 240, perHour: 2400 };
    const start = clock.now();
    const spanMs = 10 * 60_000;
    const { ledger, events } = plan(runId, 6000, start, 100); // 20 events a second for 10 minutes
    for (const e of events)
      api.rows.push({
        uuid: e.uuid,
        timestampMs: Math.floor(e.intended),
        run: runId,
        cls: e.cls,
        commitAt: e.intended + 500,
      });
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
      observationMs: spanMs + 60_000,
      pageSize: 4, // 12,000 rows at 4 a page need 3,000 queries: more than 2,400 an hour
    });
    while (clock.now() < start + spanMs) await new Promise((resolve) => setImmediate(resolve));
    const drainStart = clock.now();
    const result = await poller.drain(60_000);
    assert.ok(clock.now() - drainStart <= 60_000);
    assert.equal(result.endReason, 'query budget exhausted');
    assert.ok(
      api.log.every((l) => l.status === 200),
      'no query was throttled: the client held the budget',
    );
    const times = api.log.map((l) => l.at);
    assert.ok(peak(times, 60_000) <= 240, `peak per minute ${peak(times, 60_000)}`);
    assert.equal(peak(times, 3_600_000), 2400, 'the hourly budget was used to the last query');
    // Pages read before the budget ran out count, even those of a poll that could not finish.
    assert.ok(result.visible > 6000 && result.visible < 12_000, `${result.visible} visible`);
    assert.equal(result.visible + result.unverified, 12_000);
    const account = accountLedger(ledger, result.perClass, result.complete);
    assert.equal(account.total.lost, 0);
    assert.equal(account.total.unverified, 12_000 - result.visible);
    api.limits = {};
  });

  it('a 429 storm ends the drain at its deadline with "query budget exhausted"; unseen events unverified', async () => {
    const runId = 'storm-run';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    const { ledger, events } = plan(runId, 50, start - 20_000, 200);
    // Half the events are queryable; then every answer is 429 without Retry-After (PostHog's
    // concurrency queue when it gives up), for longer than the drain lasts.
    for (const e of events.filter((_, i) => i % 2 === 0))
      api.rows.push({
        uuid: e.uuid,
        timestampMs: Math.floor(e.intended),
        run: runId,
        cls: e.cls,
        commitAt: start - 1,
      });
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    while (poller.stats().polls === 0) await new Promise((resolve) => setImmediate(resolve));
    const seenBefore = poller.stats().visible;
    assert.equal(seenBefore, 50);
    api.failNext(100_000, 429);
    const drainStart = clock.now();
    const result = await poller.drain(30_000);
    api.clearFailures();
    assert.ok(clock.now() - drainStart <= 30_000, `ended ${clock.now() - drainStart} ms into a 30 s drain`);
    assert.equal(result.endReason, 'query budget exhausted');
    assert.match(result.endDetail ?? '', /query budget exhausted/);
    assert.equal(result.complete, false);
    assert.equal(result.visible, 50);
    assert.equal(result.unverified, 50);
    assert.ok(result.throttled > 0);
    assert.equal(result.countsSource, 'poller');
    const account = accountLedger(ledger, result.perClass, result.complete);
    assert.equal(account.total.lost, 0);
    assert.equal(account.total.unverified, 50);
    assert.equal(account.total.visible, 50);
  });

  it('an hourly Retry-After past the deadline is not waited: the drain ends at once, budget exhausted', async () => {
    const runId = 'retry-after-run';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    const { ledger } = plan(runId, 10, start - 5000, 100);
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    api.failNext(100, 429, { 'retry-after': '2700' });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    const result = await poller.drain(60_000);
    // Drain deadline 60 s: during the load the poller could wait; once the drain starts, 45 min cannot.
    assert.equal(result.endReason, 'query budget exhausted');
    assert.ok(clock.now() - start <= 60_000, `${clock.now() - start} ms`);
    assert.equal(result.unverified, 20);
    api.clearFailures();
  });

  it('a drain whose every poll fails is not "drained" on the strength of a poll made during the load', async () => {
    const runId = 'stale-drained-run';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    const { ledger, events } = plan(runId, 20, start - 10_000, 100);
    // During the load: the first 10 of each worker acknowledged and visible, the rest not sent yet.
    for (const e of events) {
      if (e.seq < 10)
        api.rows.push({
          uuid: e.uuid,
          timestampMs: Math.floor(e.intended),
          run: runId,
          cls: e.cls,
          commitAt: start - 1,
        });
      else ledger.shard(e.worker).status[e.seq] = EventStatus.planned;
    }
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    while (poller.stats().visible < 20) await new Promise((resolve) => setImmediate(resolve));
    // The rest is acknowledged as the load ends; from now on the query API answers 503.
    for (const e of events) if (e.seq >= 10) ledger.shard(e.worker).status[e.seq] = EventStatus.acknowledged;
    api.failNext(100_000, 503);
    const result = await poller.drain(10_000);
    api.clearFailures();
    assert.equal(result.drained, false);
    assert.equal(result.endReason, 'query API unreachable');
    assert.equal(result.complete, false);
    assert.equal(result.visible, 20);
    assert.equal(result.unverified, 20, 'not checked after the load: unverified, not lost');
  });

  it('stop({ finalPollMs }) makes one final poll: what it sees is visible, the rest unverified', async () => {
    const runId = 'final-poll-run';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    const { ledger, events } = plan(runId, 20, start - 10_000, 100);
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 60_000,
      clock,
    });
    while (poller.stats().polls === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(poller.stats().visible, 0);
    // 30 events land after the first poll; the next regular poll is a minute away.
    for (const e of events.slice(0, 30))
      api.rows.push({
        uuid: e.uuid,
        timestampMs: Math.floor(e.intended),
        run: runId,
        cls: e.cls,
        commitAt: clock.now(),
      });
    const stopAt = clock.now();
    const result = await poller.stop({ finalPollMs: 10_000 });
    assert.equal(result.polls, 2, 'the first poll and the final one');
    assert.equal(result.visible, 30);
    assert.equal(result.endReason, 'stopped');
    assert.equal(result.unverified, 10);
    assert.equal(result.countsSource, 'query');
    assert.ok(clock.now() - stopAt <= 10_000);
  });
});
