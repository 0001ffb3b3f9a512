// Shards split one run without overlap or gap, whatever worker count each shard runs: every
// planned event belongs to exactly one (shard, worker) slot, users and distinct ids are disjoint,
// uuids never collide, and the global seq numbers of all shards together are 0 … N−1.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { EventGenerator } from '../../src/generate/event-generator.js';
import { planLoad } from '../../src/load/plan-load.js';
import { Schedule, totalEvents } from '../../src/load/schedule.js';
import {
  laneCount,
  laneOf,
  parseShard,
  shardRunId,
  workerOfLane,
  type RunShard,
} from '../../src/load/shard-spec.js';
import { steady, testScenario } from '../generate/scenario-fixture.js';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);

describe('parseShard', () => {
  it('reads i/n with 1-based indexes', () => {
    assert.deepEqual(parseShard('1/4'), { index: 1, count: 4 });
    assert.deepEqual(parseShard(' 4/4 '), { index: 4, count: 4 });
  });

  it('refuses what is not a shard of n, with USAGE', () => {
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/4/2', '-1/4', '1/2000']) {
      assert.throws(
        () => parseShard(bad),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
        bad,
      );
    }
  });

  it("names a shard's run id and maps lanes back to local workers", () => {
    assert.equal(shardRunId('nightly', { index: 2, count: 4 }), 'nightly-shard-2-of-4');
    const shard = { index: 3, count: 4 };
    assert.deepEqual(
      [0, 1, 2].map((w) => laneOf(shard, w)),
      [2, 6, 10],
    );
    assert.equal(laneCount(shard, 3), 12);
    assert.deepEqual(
      [2, 6, 10].map((l) => workerOfLane(shard, l)),
      [0, 1, 2],
    );
    assert.equal(workerOfLane(shard, 3), null, "another shard's lane");
    assert.equal(workerOfLane(undefined, 5), 5);
  });
});

describe('sharded plans', () => {
  const scenario = testScenario({
    phases: [steady(1000, 2000)],
    population: { size: 50, returningShare: 0.3 },
  });
  const count = 3;
  // Different worker counts per shard, as machines with different core counts would choose.
  const workersOf = [2, 1, 3];
  const shards = workersOf.map((workers, i) => {
    const shard: RunShard = { index: i + 1, count, runId: 'sharded' };
    const plan = planLoad(scenario, {
      workers,
      runId: shardRunId('sharded', shard),
      startAtMs: T0,
      shard,
    });
    return { shard, plan };
  });

  it('plans each shard its share, and the shares sum to the run', () => {
    const total = totalEvents(scenario.phases);
    assert.equal(total, 2000);
    assert.equal(
      shards.reduce((sum, s) => sum + s.plan.planned, 0),
      total,
    );
    for (const { plan } of shards) {
      assert.ok(Math.abs(plan.planned - total / count) <= 1, `${plan.planned} ≈ ${total / count}`);
      assert.equal(plan.shard?.runId, 'sharded');
    }
    assert.deepEqual(
      shards.map((s) => s.plan.workers.length),
      workersOf,
    );
  });

  it('gives every global event, user, uuid and seq to exactly one shard worker', () => {
    const globalSeqs = new Set<number>();
    const uuids = new Set<string>();
    const usersByShard = shards.map(() => new Set<string>());
    let events = 0;
    shards.forEach(({ shard, plan }, s) => {
      const lanes = laneCount(shard, plan.workers.length);
      for (const w of plan.workers) {
        const lane = laneOf(shard, w.worker);
        const schedule = new Schedule(scenario.phases, lane, lanes);
        assert.equal(schedule.count, w.capacity);
        const generator = new EventGenerator(scenario, {
          runId: plan.runId,
          runTag: plan.runTag,
          worker: lane,
          workers: lanes,
          seed: w.seed,
        });
        for (let seq = 0; seq < schedule.count; seq += 1) {
          const event = JSON.parse(generator.next(seq, T0 + schedule.offsetMs(seq))) as {
            uuid: string;
            distinct_id: string;
            properties: { ingestbench_seq: number; ingestbench_run: string };
          };
          events += 1;
          assert.equal(event.properties.ingestbench_run, `sharded-shard-${s + 1}-of-3`);
          globalSeqs.add(event.properties.ingestbench_seq);
          uuids.add(event.uuid);
          usersByShard[s]!.add(/-(\d+)$/.exec(event.distinct_id)![1]!);
        }
      }
    });
    assert.equal(events, 2000);
    assert.equal(uuids.size, 2000, 'no uuid twice');
    assert.deepEqual(
      [...globalSeqs].sort((a, b) => a - b),
      Array.from({ length: 2000 }, (_, i) => i),
      'the global seqs of all shards are 0 … N−1, once each',
    );
    for (let a = 0; a < count; a += 1) {
      for (const user of usersByShard[a]!) {
        assert.equal(Number(user) % count, a, `user ${user} belongs to shard ${a + 1}`);
      }
    }
  });

  it('refuses more lanes than a uuid can carry', () => {
    assert.throws(
      () =>
        planLoad(testScenario({ population: { size: 100_000, returningShare: 0 } }), {
          workers: 600,
          runId: 'r',
          startAtMs: T0,
          shard: { index: 1, count: 2, runId: 'r' },
        }),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
    );
  });
});
