// The poller against the reference target's real query engine (not the fake): the HogQL it sends
// must parse and mean the same there, and with faults injected (events dropped after the ack,
// events stored twice) the ledger must match what the store holds, uuid for uuid.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { latencySummary } from '../../src/measure/latency-summary.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient } from '../../src/observe/query-client.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';

const TOKEN = 'phc_poller_reference';
const KEY = 'phx_poller_reference';

describe('poller against the reference target', () => {
  let target: ReferenceTarget;
  before(async () => {
    target = await startReferenceTarget({
      memory: true,
      port: 0,
      tokens: [TOKEN],
      personalKey: KEY,
      fault: 'drop-after-ack=0.1,duplicate=0.1,seed=7',
      lingerMs: 5,
    });
  });
  after(() => target.stop());

  it('sees exactly the stored events, and counts the duplicates the target made', async () => {
    const runId = "ref-run-'quoted'";
    const tag = runTag(runId);
    const perWorker = 150;
    const ledger = Ledger.allocate([perWorker, perWorker]);
    const start = Date.now() - 2000;
    const batch: unknown[] = [];
    ledger.shards.forEach((shard, worker) => {
      for (let seq = 0; seq < perWorker; seq += 1) {
        const intended = start + seq * 10 + worker * 3;
        const identified = seq % 4 === 0;
        shard.setIntended(seq, intended);
        shard.flags[seq] = LedgerFlag.measured | (identified ? LedgerFlag.identified : 0);
        shard.status[seq] = EventStatus.sent;
        batch.push({
          uuid: encodeEventUuid(tag, worker, seq, intended),
          event: 'page viewed',
          distinct_id: `user-${worker}-${seq % 7}`,
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
    const { projectId } = target.projects[0]!;
    const client = createQueryClient({
      queryUrl: target.queryUrl,
      projectId: String(projectId),
      personalKey: KEY,
      budgetPerMinute: 6000,
    });
    await client.preflight();
    const poller = startPoller({ client, ledger, runId, runTag: tag, pollIntervalMs: 100 });

    const res = await request(`${target.captureUrl}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: TOKEN, batch }),
    });
    assert.equal(res.statusCode, 200, await res.body.text());
    const ackAt = Date.now();
    for (const shard of ledger.shards) {
      for (let seq = 0; seq < shard.capacity; seq++) shard.setAck(seq, ackAt);
      shard.status.fill(EventStatus.acknowledged);
    }
    // Some events are dropped, so the drain runs to its deadline; it leaves the count query a third.
    const result = await poller.drain(6000);

    // What the store really holds, asked directly.
    const direct = await client.query(
      `SELECT uuid FROM events WHERE properties.ingestbench_run = 'ref-run-\\'quoted\\'' LIMIT 50000`,
    );
    const stored = direct.results.map((r) => String(r[0]));
    const distinct = new Set(stored);
    assert.ok(
      distinct.size > 200 && distinct.size < 300,
      `the fault dropped some: ${distinct.size} of 300 stored`,
    );
    assert.ok(stored.length > distinct.size, 'the fault duplicated some');

    let visible = 0;
    ledger.shards.forEach((shard, worker) => {
      for (let seq = 0; seq < perWorker; seq += 1) {
        const uuid = encodeEventUuid(tag, worker, seq, shard.intendedAt(seq));
        const seen = shard.isVisible(seq);
        assert.equal(
          seen,
          distinct.has(uuid),
          `event ${worker}/${seq}: seen ${seen}, stored ${distinct.has(uuid)}`,
        );
        if (seen) {
          visible += 1;
          assert.equal(shard.seen[seq], stored.filter((u) => u === uuid).length, `rows of ${worker}/${seq}`);
          assert.ok(shard.visibleAt(seq) >= ackAt - 1000);
        }
      }
    });
    assert.equal(result.visible, visible);
    assert.equal(result.pending, 300 - visible);
    assert.equal(result.drained, false);
    assert.equal(result.countsSource, 'query');
    // The reference target stamps created_at at ingestion: the second, server-side figure exists.
    assert.equal(latencySummary(result.created!.all).count, visible);
    const rows = result.perClass.anonymous.rows + result.perClass.identified.rows;
    const uuids = result.perClass.anonymous.uuids + result.perClass.identified.uuids;
    assert.equal(rows, stored.length);
    assert.equal(uuids, distinct.size);
  });
});
