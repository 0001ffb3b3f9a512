import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { latencySummary } from '../../src/measure/latency-summary.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient } from '../../src/observe/query-client.js';
import { startFakeQueryApi, type FakeQueryApi, type FakeRow } from './fake-query-api.js';
import { VirtualClock } from './virtual-clock.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const KEY = 'phx_poller_test_key_never_printed';
const PROJECT = '7';

interface Planned {
  readonly worker: number;
  readonly seq: number;
  readonly intended: number;
  readonly cls: 'anonymous' | 'identified';
  readonly uuid: string;
}

/** A ledger whose events are all acknowledged, and the matching rows (not yet added to the API). */
function plan(
  runId: string,
  perWorker: number,
  intendedOf: (worker: number, seq: number) => number,
): { ledger: Ledger; events: Planned[] } {
  const ledger = Ledger.allocate([perWorker, perWorker]);
  const tag = runTag(runId);
  const events: Planned[] = [];
  ledger.shards.forEach((shard, worker) => {
    for (let seq = 0; seq < perWorker; seq += 1) {
      const intended = intendedOf(worker, seq);
      const identified = seq % 3 === 0;
      shard.setIntended(seq, intended);
      shard.setAck(seq, intended + 5);
      shard.status[seq] = EventStatus.acknowledged;
      shard.flags[seq] = LedgerFlag.measured | (identified ? LedgerFlag.identified : 0);
      events.push({
        worker,
        seq,
        intended,
        cls: identified ? 'identified' : 'anonymous',
        uuid: encodeEventUuid(tag, worker, seq, intended),
      });
    }
  });
  return { ledger, events };
}

const row = (runId: string, e: Planned, commitAt: number): FakeRow => ({
  uuid: e.uuid,
  timestampMs: Math.floor(e.intended),
  run: runId,
  cls: e.cls,
  commitAt,
});

/** Deterministic latency between 100 ms and ~3 s, different per event. */
const latencyOf = (e: Planned): number => 100 + ((e.seq * 7919 + e.worker * 104729) % 2900);

describe('poller against a fake query API', () => {
  let clock: VirtualClock;
  let api: FakeQueryApi;
  before(async () => {
    clock = new VirtualClock(T0);
    api = await startFakeQueryApi(clock, { projectId: PROJECT, key: KEY });
  });
  after(() => api.close());

  it('sees each event within one poll of its commit, counts the unserved as pending and the doubled as duplicates', async () => {
    const runId = "run-o'brien\\1"; // quote and backslash: the run id must be escaped in every query
    const { ledger, events } = plan(runId, 200, (w, s) => T0 + 1000 + s * 100 + w * 37.4);
    const lost = new Set([events[5]!.uuid, events[350]!.uuid]);
    const doubled = [events[10]!, events[220]!, events[33]!];
    // Committed 15 s late, after the events around it: found by the straggler chase, not the window.
    const lateEvent = events[40]!;
    const commitOf = (e: Planned): number =>
      e === lateEvent ? e.intended + 15_000 : e.intended + latencyOf(e);
    for (const e of events) if (!lost.has(e.uuid)) api.rows.push(row(runId, e, commitOf(e)));
    for (const e of doubled) api.rows.push(row(runId, e, commitOf(e) + 4000));
    api.rows.push({
      uuid: encodeEventUuid(runTag('other'), 0, 1, T0 + 2000),
      timestampMs: T0 + 2000,
      run: runId,
      cls: 'anonymous',
      commitAt: T0,
    }); // not ours
    api.rows.push({ ...row('another-run', events[7]!, T0), run: 'another-run' }); // another run's row

    const client = createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: KEY,
      budgetPerMinute: 600,
      clock,
    });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 500, clock });
    const drainStart = clock.now();
    const result = await poller.drain(60_000);

    assert.equal(result.resolutionMs, 500);
    for (const e of events) {
      const visible = ledger.shard(e.worker).visibleAt(e.seq);
      if (lost.has(e.uuid)) {
        assert.ok(Number.isNaN(visible), `lost event ${e.worker}/${e.seq} must stay unseen`);
        continue;
      }
      const delay = visible - commitOf(e);
      assert.ok(
        delay >= 0 && delay <= result.resolutionMs,
        `event ${e.worker}/${e.seq} first seen ${delay} ms after commit`,
      );
      const doubledEvent = doubled.some((d) => d.uuid === e.uuid);
      assert.equal(
        ledger.shard(e.worker).seen[e.seq],
        doubledEvent ? 2 : 1,
        `seen count of ${e.worker}/${e.seq}`,
      );
    }
    assert.equal(result.pending, 2);
    assert.equal(result.seenAsStragglers, 1);
    assert.equal(result.visible, 398);
    assert.equal(result.drained, false);
    assert.equal(result.endReason, 'drain timeout');
    assert.equal(result.complete, true, 'polled to the deadline: the unseen are lost, not unverified');
    assert.equal(result.unverified, 0);
    // drain_timeout is a hard bound, the count query included (polling leaves it a slice).
    assert.ok(result.endedAt - drainStart >= 50_000 && result.endedAt - drainStart <= 60_000);
    assert.equal(result.countsSource, 'query');
    // The count query is bounded to the run's time range (the fake refuses one without a bound).
    const countQuery = api.log.find((l) => l.query.includes('GROUP BY'))!;
    const [from, to] = [...countQuery.query.matchAll(/toDateTime\('([^']+)'\)/g)].map((m) =>
      Date.parse(m[1]!),
    );
    const intended = events.map((e) => e.intended);
    assert.ok(from! <= Math.min(...intended) && from! >= Math.min(...intended) - 120_000, `from ${from}`);
    assert.ok(to! > Math.max(...intended) && to! <= Math.max(...intended) + 120_000, `to ${to}`);
    const identifiedDoubled = doubled.filter((e) => e.cls === 'identified').length;
    const served = events.filter((e) => !lost.has(e.uuid));
    const servedIdentified = served.filter((e) => e.cls === 'identified').length;
    assert.deepEqual(result.perClass.identified, {
      rows: servedIdentified + identifiedDoubled,
      uuids: servedIdentified,
    });
    assert.deepEqual(result.perClass.anonymous, {
      rows: served.length - servedIdentified + doubled.length - identifiedDoubled + 1, // + the foreign row
      uuids: served.length - servedIdentified + 1,
    });
    assert.equal(result.foreignUuids, 1);
    // created_at (= commit time in the fake) − intended: the server-side figure, without poll resolution.
    const created = latencySummary(result.created!.all);
    assert.equal(created.count, 398);
    assert.ok(Math.abs(created.max! - 15_000) <= 15, `created_at max ${created.max}`);
    assert.ok(Math.abs(created.p50! - 1550) <= 60, `created_at p50 ${created.p50}`);
    assert.equal(result.throttled, 0);
    assert.equal(result.queries, api.log.length);

    // Once everything served is visible, polls stop re-reading the run: only narrow ranges around
    // the two lost events are asked about (3 ms each), never a window back to the start.
    const lastCommit = Math.max(...api.rows.map((r) => r.commitAt));
    const late = api.log.filter((l) => l.at > lastCommit + 1000 && l.query.startsWith('SELECT uuid'));
    assert.ok(late.length > 50, `straggler chase keeps asking (${late.length} queries)`);
    for (const l of late) {
      const bounds = [...l.query.matchAll(/toDateTime\('([^']+)'\)/g)].map((m) => Date.parse(m[1]!));
      assert.ok(bounds.length >= 2 && bounds.length % 2 === 0, l.query);
      for (let i = 0; i < bounds.length; i += 2)
        assert.ok(bounds[i + 1]! - bounds[i]! <= 3, `narrow ranges only: ${l.query}`);
      assert.ok(
        [...lost].some((u) => {
          const t = Math.floor(events.find((e) => e.uuid === u)!.intended);
          return bounds.some((b, i) => i % 2 === 0 && b <= t && t < bounds[i + 1]!);
        }),
        `asks about a lost event: ${l.query}`,
      );
    }
    assert.ok(
      api.log.every((l) => l.query.includes("'run-o\\'brien\\\\1'") || !l.query.includes('ingestbench_run')),
    );
  });

  it('pages by (timestamp, uuid) keyset only: full pages mean more, no OFFSET, duplicates not split', async () => {
    const runId = 'paging-run';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    // 120 events in one millisecond (more than a page: the uuid half of the key cuts inside it),
    // then 180 spread out; every 7th event stored twice, so some copies straddle a page boundary.
    const { ledger, events } = plan(
      runId,
      150,
      (w, s) => start + 1000 + (w === 0 && s < 120 ? s / 1000 : 200 + s * 3 + w),
    );
    for (const e of events) api.rows.push(row(runId, e, start + 500));
    const twice = events.filter((_, i) => i % 7 === 0);
    for (const e of twice) api.rows.push(row(runId, e, start + 500));
    const client = createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: KEY,
      budgetPerMinute: 600,
      clock,
    });
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
      pageSize: 50,
    });
    const result = await poller.drain(30_000);
    assert.equal(result.drained, true);
    assert.equal(result.endReason, 'drained');
    assert.equal(result.visible, 300);
    assert.equal(result.perClass.anonymous.rows + result.perClass.identified.rows, 300 + twice.length);
    const doubled = new Set(twice.map((e) => e.uuid));
    for (const e of events)
      assert.equal(
        ledger.shard(e.worker).seen[e.seq],
        doubled.has(e.uuid) ? 2 : 1,
        `rows of ${e.worker}/${e.seq} counted exactly`,
      );
    const rowQueries = api.log.filter((l) => l.query.startsWith('SELECT uuid'));
    assert.ok(
      api.log.every((l) => !/OFFSET/.test(l.query) && l.status === 200),
      'no query carries OFFSET (the fake refuses it with 400, as PostHog does)',
    );
    assert.ok(
      rowQueries.some((l) => / AND uuid >= '/.test(l.query)),
      'keyset cut on (timestamp, uuid) used between pages',
    );
    assert.ok(rowQueries.length >= (300 + twice.length) / 50, `${rowQueries.length} pages`);
    assert.ok(result.pages >= 7 && result.rowsRead >= 300 + twice.length);
  });

  it('reads a poll window of 60,000+ rows completely through keyset pages of 50,000 (no hasMore)', async () => {
    const runId = 'big-window';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    // 61,000 events within 2 seconds: one poll's window holds them all.
    const perWorker = 30_500;
    const { ledger, events } = plan(runId, perWorker, (w, s) => start - 3000 + (s * 2 + w) / 30.5);
    for (const e of events) api.rows.push(row(runId, e, start - 1));
    const client = createQueryClient({ queryUrl: api.url, projectId: PROJECT, personalKey: KEY, clock });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    const result = await poller.drain(30_000);
    assert.equal(result.visible, 61_000);
    assert.equal(result.drained, true);
    assert.equal(result.polls, 1, 'one poll read the whole window');
    const rowQueries = api.log.filter((l) => l.query.startsWith('SELECT uuid'));
    assert.equal(rowQueries.length, 2, 'a full page of 50,000, then the rest');
    assert.ok(rowQueries.every((l) => l.query.endsWith('LIMIT 50000') && !l.query.includes('OFFSET')));
    for (const e of events) assert.equal(ledger.shard(e.worker).seen[e.seq], 1);
  });

  it('never exceeds the query budget in any 60 s window, and reports the stretched resolution', async () => {
    const runId = 'budget-run';
    api.rows.length = 0;
    api.log.length = 0;
    const start = clock.now();
    const { ledger, events } = plan(runId, 50, (w, s) => start + 200 * s + w * 100);
    for (const e of events) api.rows.push(row(runId, e, e.intended + 1000));
    const client = createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: KEY,
      budgetPerMinute: 5,
      clock,
    });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    const result = await poller.drain(600_000);
    assert.equal(result.drained, true);
    assert.equal(result.visible, 100);
    for (const l of api.log) {
      const inWindow = api.log.filter((o) => o.at > l.at - 60_000 && o.at <= l.at).length;
      assert.ok(inWindow <= 5, `${inWindow} queries in the minute before ${l.at - start} ms`);
    }
    assert.ok(result.resolutionMs >= 12_000, `resolution ${result.resolutionMs} reflects 5 queries/min`);
    for (const e of events) {
      const delay = ledger.shard(e.worker).visibleAt(e.seq) - (e.intended + 1000);
      assert.ok(delay >= 0 && delay <= result.resolutionMs, `delay ${delay}`);
    }
  });

  it('ends observation when the key is refused, with a report and unverified events, never the key', async () => {
    const runId = 'auth-run';
    const { ledger } = plan(runId, 3, (w, s) => clock.now() - 1000 + s + w);
    const client = createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: 'phx_wrong_key',
      budgetPerMinute: 60,
      clock,
    });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    const started = clock.now();
    const result = await poller.drain(60_000);
    assert.equal(result.endReason, 'query refused');
    assert.match(
      result.endDetail!,
      /refused the personal API key \(HTTP 401: authentication_failed: bad key\)/,
    );
    assert.ok(!result.endDetail!.includes('phx_wrong_key'));
    assert.equal(result.complete, false);
    assert.equal(result.unverified, 6);
    assert.equal(result.countsSource, 'poller');
    assert.ok(clock.now() - started < 60_000, 'ended at once, not at the drain deadline');
  });

  it('stop() ends polling at once and still counts exactly', async () => {
    const runId = 'stop-run';
    api.rows.length = 0;
    const start = clock.now();
    const { ledger, events } = plan(runId, 10, (w, s) => start - 5000 + s * 10 + w);
    for (const e of events.slice(0, 15)) api.rows.push(row(runId, e, start - 1));
    const client = createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: KEY,
      budgetPerMinute: 600,
      clock,
    });
    const poller = startPoller({ client, ledger, runId, runTag: runTag(runId), pollIntervalMs: 1000, clock });
    const result = await poller.stop();
    assert.ok(result.polls <= 1);
    assert.equal(result.perClass.anonymous.uuids + result.perClass.identified.uuids, 15);
    assert.equal(result.countsSource, 'query');
  });

  it('after an abort, stop() reports the tally it has without querying again', async () => {
    const runId = 'abort-run';
    api.rows.length = 0;
    const start = clock.now();
    const { ledger, events } = plan(runId, 10, (w, s) => start - 5000 + s * 10 + w);
    for (const e of events.slice(0, 12)) api.rows.push(row(runId, e, start - 1));
    api.rows.push(row(runId, events[0]!, start - 1)); // one duplicate row
    const abort = new AbortController();
    const client = createQueryClient({
      queryUrl: api.url,
      projectId: PROJECT,
      personalKey: KEY,
      budgetPerMinute: 600,
      clock,
      signal: abort.signal,
    });
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
      signal: abort.signal,
    });
    while (poller.stats().polls === 0) await clock.sleep(0);
    abort.abort();
    const before = api.log.length;
    const result = await poller.stop();
    assert.equal(api.log.length, before, 'no count query after the abort');
    assert.equal(result.countsSource, 'poller');
    assert.equal(result.visible, 12);
    assert.equal(result.perClass.anonymous.uuids + result.perClass.identified.uuids, 12);
    assert.equal(result.perClass.anonymous.rows + result.perClass.identified.rows, 13);
  });
});
