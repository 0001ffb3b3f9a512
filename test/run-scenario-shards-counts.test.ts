// A sharded run observed by counts: each shard counts only its own events (its own run id), names
// the lost ones by lane (a shard's worker w sends as lane w·n + i: its schedule, uuid bits and
// ingestbench_seq are the lane's), and the merge sums the counts figures and keeps the method.
// Against the reference target with cloud query limits and injected drops and duplicates.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decodeEventUuid, runTag } from '../src/generate/event-uuid.js';
import { shardRunId } from '../src/load/shard-spec.js';
import { hogqlLiteral } from '../src/observe/hogql-literal.js';
import { mergeReports } from '../src/report/merge-reports.js';
import type { Report } from '../src/report/report-types.js';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import type { Target } from '../src/targets/target.js';
import { shortScenarioText } from './short-scenario.js';
import { faultsInjected } from './target-faults.js';
import { targetHogql } from './target-hogql.js';

let target: Target | undefined;
after(() => target?.stop());

async function storedUuids(runId: string): Promise<Set<string>> {
  const rows = await targetHogql(
    target!,
    `SELECT uuid FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} LIMIT 50000`,
  );
  return new Set(rows.map((row) => row[0] as string));
}

describe('a sharded run in counts observation', () => {
  it('each shard counts and names its own lost events by lane; the merge sums them and says counts', async () => {
    target = await startEmbeddedTarget({ fault: 'drop-after-ack=0.03,duplicate=0.02', queryLimits: 'cloud' });
    const scenario = parseScenario(
      shortScenarioText({
        name: 'shards-counts',
        seed: 5,
        rate: 400,
        duration: '2s',
        populationSize: 200,
        pollInterval: '1s',
        drainTimeout: '8s',
        sla: ['lost == 0'],
        method: 'counts',
      }),
      'shards-counts.yaml',
    );
    const runId = `shards-counts-${process.pid}-${Date.now()}`;
    const shards: Report[] = [];
    // One after the other: each shard's drill-down reads only its own run id's events.
    for (const index of [1, 2])
      shards.push(await runScenario({ scenario, target, workers: 2, runId, shard: { index, count: 2 } }));
    const dropped = await faultsInjected(target, 'drop-after-ack');
    const duplicated = await faultsInjected(target, 'duplicate');
    assert.ok(dropped > 0 && duplicated > 0, `faults happened: ${dropped} dropped, ${duplicated} duplicated`);

    for (const [i, report] of shards.entries()) {
      const shard = { index: i + 1, count: 2 };
      const o = report.observation;
      const how = `shard ${shard.index}: ${o.endReason} (${o.endDetail ?? ''})`;
      assert.equal(o.method, 'counts');
      assert.equal(o.complete, true, how);
      assert.equal(report.totals.acknowledged, 400, how);
      const drill = o.counts!.drillDown;
      assert.equal(drill.named, report.totals.lost, `${how}: ${drill.note ?? ''}`);
      assert.equal(drill.unnamed, 0);
      assert.equal(drill.lost.length, report.totals.lost);
      // Each named event is this shard's (its lane ≡ index − 1 mod 2) and is truly not stored.
      const own = shardRunId(runId, shard);
      const stored = await storedUuids(own);
      assert.equal(stored.size, report.totals.visible);
      for (const event of drill.lost) {
        const id = decodeEventUuid(event.uuid, runTag(own));
        assert.ok(id, `${event.uuid} is a uuid of ${own}`);
        assert.equal(id.seq, event.seq);
        assert.equal(id.worker, event.worker * 2 + (shard.index - 1), 'the uuid carries the lane');
        assert.equal(event.globalSeq, event.seq * 4 + id.worker, 'ingestbench_seq of the lane');
        assert.equal(stored.has(event.uuid), false, `${event.uuid} is named lost but stored`);
      }
    }

    const merged = mergeReports(shards);
    assert.equal(merged.totals.planned, 800);
    assert.equal(merged.totals.acknowledged, 800);
    assert.equal(merged.totals.lost, dropped);
    assert.equal(merged.totals.duplicates, duplicated);
    assert.equal(merged.observation.method, 'counts');
    assert.equal(merged.observation.methodReason, 'observation.method is counts');
    assert.equal(merged.observation.throttled, 0, 'within the project’s query limits');
    const counts = merged.observation.counts!;
    assert.equal(counts.drillDown.named, dropped);
    assert.equal(counts.drillDown.lost.length, dropped);
    assert.equal(
      counts.rowsFetched,
      shards[0]!.observation.counts!.rowsFetched + shards[1]!.observation.counts!.rowsFetched,
    );
    assert.equal(merged.verdict, 'fail', 'lost == 0 fails on the merged figures');
  });
});
