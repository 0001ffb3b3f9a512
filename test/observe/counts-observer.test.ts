// The counts observer on a virtual clock, against the reference target's own HogQL engine (an
// in-memory store filled as virtual time passes each event's commit time): what it reports lost,
// duplicated and visible, the lost events it names, and what it says when the drill-down budget
// runs out. No sockets: the query client is the reference's runHogQL behind QueryClient.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHogQLParser } from '../../src/reference/query/parse-hogql.js';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { BucketCounts, BucketCountsWriter, BucketField } from '../../src/load/bucket-counts.js';
import type { LoadPlan } from '../../src/load/plan-load.js';
import { Schedule } from '../../src/load/schedule.js';
import { startCountsObserver } from '../../src/observe/counts-observer.js';
import { QueryError, type QueryClient } from '../../src/observe/query-client.js';
import { runHogQL } from '../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../src/reference/query/statement-cache.js';
import type { RatePhase } from '../../src/scenario/scenario.js';
import { insertEvents, memoryStore, PROJECT, type FixtureEvent } from '../reference/query/store-fixture.js';
import { POSTHOG_QUERY_LIMITS } from '../../src/observe/query-budget.js';
import { VirtualClock } from './virtual-clock.js';
import { createKeyBudget } from '../../src/observe/key-budget.js';

const T0 = Date.UTC(2026, 0, 1);
const RUN = 'counts-run';
const TAG = runTag(RUN);
const COMMIT_MS = 1500;
// 10 events/s for 5 s over 2 workers: global event g intended at T0 + 100 g ms.
const phases: RatePhase[] = [
  { name: 'steady', kind: 'steady', fromRate: 10, toRate: 10, durationMs: 5000, measured: true },
];
const plan: LoadPlan = {
  runId: RUN,
  runTag: TAG,
  startAtMs: T0,
  durationMs: 5000,
  targetRate: 10,
  planned: 50,
  fullSpeed: false,
  workers: [0, 1].map((worker) => ({ worker, seed: worker, rateShare: 0.5, capacity: 25 })),
};

const stores: { close(): void }[] = [];
const parser = await createHogQLParser();
after(() => stores.forEach((s) => s.close()));

/** Acknowledged load side, and a store whose rows appear at their commit times. */
function setup(opts: { lost: readonly number[]; duplicateLateAt: number | null }) {
  const clock = new VirtualClock(T0);
  const counts = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0 + 5000, workers: 2 });
  const pending: { at: number; event: FixtureEvent }[] = [];
  for (const worker of [0, 1]) {
    const schedule = new Schedule(phases, worker, 2);
    const writer = new BucketCountsWriter(counts, worker);
    for (let seq = 0; seq < schedule.count; seq++) {
      const intended = T0 + schedule.offsetMs(seq);
      const cls = seq % 2;
      for (const f of [
        BucketField.planned,
        BucketField.plannedMeasured,
        BucketField.sent,
        BucketField.sentMeasured,
        BucketField.acknowledged,
        BucketField.acknowledgedMeasured,
      ])
        writer.count(cls, intended, f);
      const g = seq * 2 + worker;
      if (opts.lost.includes(g)) continue;
      const event: FixtureEvent = {
        uuid: encodeEventUuid(TAG, worker, seq, intended),
        timestamp: Math.floor(intended),
        properties: {
          ingestbench_run: RUN,
          ingestbench_class: cls ? 'identified' : 'anonymous',
          ingestbench_seq: g,
        },
      };
      pending.push({ at: intended + COMMIT_MS, event });
      if (g === 25 && opts.duplicateLateAt !== null) pending.push({ at: opts.duplicateLateAt, event });
    }
    writer.flush();
  }
  const db = memoryStore([]);
  stores.push(db);
  const statements = new StatementCache(db);
  let queries = 0;
  const texts: string[] = [];
  const client: QueryClient = {
    query(hogql) {
      const sentAt = clock.now();
      const due = pending.filter((p) => p.at <= sentAt);
      insertEvents(
        db,
        due.map((p) => p.event),
      );
      for (const p of due) pending.splice(pending.indexOf(p), 1);
      queries += 1;
      texts.push(hogql);
      const r = runHogQL(statements, parser, hogql, { projectId: PROJECT, now: sentAt });
      return Promise.resolve({
        results: r.results,
        columns: r.columns,
        hasMore: r.hasMore ?? false,
        sentAt,
        receivedAt: sentAt + 20,
      });
    },
    preflight: () => Promise.resolve(),
    budget: createKeyBudget(POSTHOG_QUERY_LIMITS),
    stats: () => ({
      queries,
      throttled: 0,
      failed: 0,
      peakPerMinute: 0,
      peakPerHour: 0,
      limits: POSTHOG_QUERY_LIMITS,
    }),
  };
  return { clock, counts, client, texts };
}

describe('startCountsObserver', () => {
  it('reports loss and duplicates exactly, names the lost events, bounds latency from above', async () => {
    // Event 25's duplicate lands long after its bucket (2-3 s, nothing lost) stopped being asked
    // about: only the final count can see it, by finding the totals above the last answers.
    const { clock, counts, client, texts } = setup({ lost: [3, 12, 13, 40], duplicateLateAt: T0 + 8000 });
    const observer = startCountsObserver({ client, counts, plan, phases, pollIntervalMs: 500, clock });
    const result = await observer.drain(12_000);
    assert.equal(result.method, 'counts');
    const lost = result.account.anonymous.lost + result.account.identified.lost;
    assert.equal(lost, 4);
    assert.equal(result.account.anonymous.acknowledged + result.account.identified.acknowledged, 50);
    assert.equal(result.account.identified.duplicates + result.account.anonymous.duplicates, 1);
    assert.equal(result.countsSource, 'query');
    assert.equal(result.drained, false);
    assert.deepEqual(
      result.drillDown.lost.map((e) => e.globalSeq).sort((a, b) => a - b),
      [3, 12, 13, 40],
    );
    assert.equal(result.drillDown.named, 4);
    assert.equal(result.drillDown.unnamed, 0);
    assert.equal(result.drillDown.shortBuckets, 3); // 0-1 s, 1-2 s, 4-5 s
    // Every latency is an upper bound: at least the 1.5 s commit, at most one resolution more.
    const h = decodeFromCompressedBase64(result.visibleHistograms.all);
    assert.equal(h.totalCount, 46);
    assert.ok(h.minNonZeroValue / 1000 >= COMMIT_MS - 1, `${h.minNonZeroValue}`);
    assert.ok(
      h.maxValue / 1000 <= COMMIT_MS + result.resolutionMs + 1,
      `${h.maxValue} vs ${result.resolutionMs}`,
    );
    assert.ok(result.resolutionMs <= 500 + 1000 + 20, `${result.resolutionMs}`);
    // Keyset paging only, never OFFSET; each poll is one query.
    assert.ok(texts.every((t) => !/OFFSET/i.test(t)));
    assert.ok(result.rowsFetched < 200, `${result.rowsFetched} rows`);
    // Polls stop a tenth of the drain before its deadline (kept for the final count), and the
    // deadline is a hard bound.
    assert.equal(result.endReason, 'drain timeout');
    assert.equal(result.complete, true);
    assert.equal(result.unverified, 0);
    assert.ok(clock.now() >= T0 + 12_000 - 1200, `${clock.now() - T0}`);
    assert.ok(clock.now() <= T0 + 12_000, `${clock.now() - T0}`);
  });

  it('names lost events only within its drill-down budget, and says so', async () => {
    const { counts, client, clock } = setup({ lost: [3, 25, 45], duplicateLateAt: null });
    const observer = startCountsObserver({
      client,
      counts,
      plan,
      phases,
      pollIntervalMs: 500,
      clock,
      drillDownQueries: 1,
    });
    const result = await observer.drain(10_000);
    assert.equal(result.account.anonymous.lost + result.account.identified.lost, 3);
    assert.equal(result.drillDown.queries, 1);
    assert.equal(result.drillDown.named, 1);
    assert.equal(result.drillDown.unnamed, 2);
    assert.match(result.drillDown.note ?? '', /budget \(1 queries\) ran out/);
    assert.equal(result.drillDown.lost[0]?.globalSeq, 3);
  });

  it('query budget exhausted: observation ends early, the unseen are unverified (not lost), none named', async () => {
    const { counts, client, clock } = setup({ lost: [3], duplicateLateAt: null });
    let allowed = 4;
    const limited: QueryClient = {
      ...client,
      query: (hogql, options) =>
        allowed-- > 0
          ? client.query(hogql, options)
          : Promise.reject(new QueryError('QUERY_BUDGET_EXHAUSTED', 'query budget exhausted: test', 429)),
    };
    const observer = startCountsObserver({
      client: limited,
      counts,
      plan,
      phases,
      pollIntervalMs: 500,
      clock,
    });
    const result = await observer.drain(12_000);
    assert.equal(result.endReason, 'query budget exhausted');
    assert.match(result.endDetail ?? '', /query budget exhausted: test/);
    assert.equal(result.complete, false);
    assert.equal(result.countsSource, 'poller');
    for (const cls of ['anonymous', 'identified'] as const) {
      const a = result.account[cls];
      assert.equal(a.lost, 0);
      assert.equal(a.visible + a.unverified, a.acknowledged);
    }
    assert.equal(result.unverified, 50 - result.visible);
    assert.ok(result.unverified > 0, `${result.unverified}`);
    assert.equal(result.drillDown.queries, 0);
    assert.deepEqual(result.drillDown.lost, []);
  });
});
