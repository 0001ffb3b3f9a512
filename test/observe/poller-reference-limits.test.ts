// The poller against the REAL reference target with PostHog's cloud query limits (`serve
// --query-limits cloud`: LIMIT clamped to 50,000 without hasMore, OFFSET refused with 400, 240/min,
// 2,400/h, 3 concurrent): a poll window of 61,000 rows is read completely through keyset pages,
// no query is refused (none carried OFFSET) or throttled, and the count query is answered. And
// over a simulated hour (the target's throttle and the poller on one virtual clock) under the
// older plan's 120 queries/hour, the poller stretches its interval and is never throttled.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient } from '../../src/observe/query-client.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import { drained, scrape } from '../reference/e2e/e2e-helpers.js';
import { VirtualClock } from './virtual-clock.js';

const TOKEN = 'phc_poller_limits';
const KEY = 'phx_poller_limits';
const PER_WORKER = 30_500;
const BATCH = 5_000;

const outcome = (metrics: string, name: string): number =>
  Number(
    new RegExp(`^ingestbench_queries_total\\{outcome="${name}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN,
  );

describe('poller against the reference target under cloud query limits', () => {
  let target: ReferenceTarget;
  before(async () => {
    target = await startReferenceTarget({
      memory: true,
      port: 0,
      tokens: [TOKEN],
      personalKey: KEY,
      queryLimits: 'cloud',
    });
  });
  after(() => target.stop());

  it('reads a 61,000-row poll window completely through keyset pages, no OFFSET, nothing throttled', async () => {
    const runId = 'cloud-limits-run';
    const tag = runTag(runId);
    const ledger = Ledger.allocate([PER_WORKER, PER_WORKER]);
    // 61,000 events intended within 2 seconds: one poll's window holds them all.
    const start = Date.now() - 10_000;
    const events: Record<string, unknown>[] = [];
    ledger.shards.forEach((shard, worker) => {
      for (let seq = 0; seq < PER_WORKER; seq += 1) {
        const intended = Math.floor(start + (seq * 2 + worker) / 30.5);
        const identified = seq % 5 === 0;
        shard.setIntended(seq, intended);
        shard.flags[seq] = LedgerFlag.measured | (identified ? LedgerFlag.identified : 0);
        shard.status[seq] = EventStatus.acknowledged;
        shard.setAck(seq, intended + 1);
        events.push({
          uuid: encodeEventUuid(tag, worker, seq, intended),
          event: 'page viewed',
          distinct_id: `user-${worker}-${seq % 50}`,
          timestamp: new Date(intended).toISOString(),
          properties: {
            ingestbench_run: runId,
            ingestbench_class: identified ? 'identified' : 'anonymous',
            ingestbench_seq: seq * 2 + worker,
            $process_person_profile: identified,
          },
        });
      }
    });
    for (let i = 0; i < events.length; i += BATCH) {
      const res = await request(`${target.captureUrl}/batch/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: TOKEN, batch: events.slice(i, i + BATCH) }),
      });
      assert.equal(res.statusCode, 200, await res.body.text());
    }
    await drained(target.metricsUrl, 120_000);

    const { projectId } = target.projects[0]!;
    const client = createQueryClient({
      queryUrl: target.queryUrl,
      projectId: String(projectId),
      personalKey: KEY,
    });
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: tag,
      pollIntervalMs: 1000,
      observationMs: 120_000,
    });
    const result = await poller.drain(120_000);

    assert.equal(result.endReason, 'drained', result.endDetail ?? '');
    assert.equal(result.visible, 2 * PER_WORKER);
    // The first poll read the whole window (a second, after drain() began, only confirms it).
    assert.ok(result.polls <= 2, `${result.polls} polls`);
    assert.ok(result.pages >= 2, `${result.pages} pages: a full page of 50,000 meant "maybe more"`);
    assert.ok(result.rowsRead <= 2 * PER_WORKER + 2, `${result.rowsRead} rows read: no page read twice`);
    assert.equal(result.countsSource, 'query');
    assert.deepEqual(
      {
        rows: result.perClass.anonymous.rows + result.perClass.identified.rows,
        uuids: result.perClass.anonymous.uuids + result.perClass.identified.uuids,
      },
      { rows: 2 * PER_WORKER, uuids: 2 * PER_WORKER },
    );
    for (const shard of ledger.shards)
      for (let seq = 0; seq < PER_WORKER; seq += 1) assert.equal(shard.seen[seq], 1, `seq ${seq} seen once`);
    const metrics = await scrape(target.metricsUrl);
    assert.equal(outcome(metrics, 'refused'), 0, 'no query refused: none carried OFFSET');
    for (const throttled of ['throttled_minute', 'throttled_hour', 'throttled_concurrency'])
      assert.equal(outcome(metrics, throttled), 0, throttled);
    assert.equal(outcome(metrics, 'answered'), result.queries);
  });

  it('over a simulated hour under 120 queries/hour (legacy plan): stretched, never throttled', async () => {
    const clock = new VirtualClock(Date.now());
    const legacy = await startReferenceTarget({
      memory: true,
      port: 0,
      tokens: [TOKEN],
      personalKey: KEY,
      queryLimits: 'legacy',
      queryClock: clock,
    });
    try {
      const runId = 'legacy-hour-run';
      const tag = runTag(runId);
      const hourMs = 3_600_000;
      const start = clock.now();
      // One event every 10 s for an hour; every 50th never reaches the target (lost): the poller
      // keeps asking about them all hour.
      const perWorker = 180;
      const ledger = Ledger.allocate([perWorker, perWorker]);
      const batch: Record<string, unknown>[] = [];
      let lost = 0;
      ledger.shards.forEach((shard, worker) => {
        for (let seq = 0; seq < perWorker; seq += 1) {
          const intended = start + seq * 20_000 + worker * 10_000;
          shard.setIntended(seq, intended);
          shard.flags[seq] = LedgerFlag.measured;
          shard.status[seq] = EventStatus.acknowledged;
          shard.setAck(seq, intended + 1);
          if (seq % 50 === 7) {
            lost += 1;
            continue;
          }
          batch.push({
            uuid: encodeEventUuid(tag, worker, seq, intended),
            event: 'page viewed',
            distinct_id: `user-${seq}`,
            timestamp: new Date(intended).toISOString(),
            properties: {
              ingestbench_run: runId,
              ingestbench_class: 'anonymous',
              ingestbench_seq: seq * 2 + worker,
            },
          });
        }
      });
      const res = await request(`${legacy.captureUrl}/batch/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: TOKEN, batch }),
      });
      assert.equal(res.statusCode, 200);
      await drained(legacy.metricsUrl, 60_000);

      const client = createQueryClient({
        queryUrl: legacy.queryUrl,
        projectId: String(legacy.projects[0]!.projectId),
        personalKey: KEY,
        limits: { perMinute: 240, perHour: 120, concurrent: 3 },
        clock,
      });
      const poller = startPoller({
        client,
        ledger,
        runId,
        runTag: tag,
        pollIntervalMs: 1000,
        observationMs: hourMs + 60_000,
        clock,
      });
      while (clock.now() < start + hourMs) await new Promise((resolve) => setImmediate(resolve));
      const result = await poller.drain(60_000);

      assert.match(result.pollStretch ?? '', /to fit 120 queries\/hour/);
      assert.ok(result.pollIntervalMs >= 60_000, `interval ${result.pollIntervalMs} ms`);
      assert.equal(result.endReason, 'drain timeout', result.endDetail ?? '');
      assert.equal(result.visible, 2 * perWorker - lost);
      assert.equal(result.pending, lost);
      assert.ok(result.budget.peakPerHour <= 120, `peak ${result.budget.peakPerHour}/h`);
      // About one query a poll, a poll every 70 s: polling went on all hour, not starved.
      assert.ok(result.queries > 40 && result.polls > 40, `${result.queries} queries, ${result.polls} polls`);
      const metrics = await scrape(legacy.metricsUrl);
      for (const throttled of ['throttled_minute', 'throttled_hour', 'throttled_concurrency'])
        assert.equal(outcome(metrics, throttled), 0, throttled);
      assert.equal(outcome(metrics, 'refused'), 0);
      assert.equal(outcome(metrics, 'answered'), result.queries);
    } finally {
      await legacy.stop();
    }
  });
});
