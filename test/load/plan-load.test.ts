import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { runTag } from '../../src/generate/event-uuid.js';
import { planLoad } from '../../src/load/plan-load.js';
import { steady, testScenario } from '../generate/scenario-fixture.js';

describe('planLoad', () => {
  it('splits the planned events over workers: shares and capacities sum to the total', () => {
    const scenario = testScenario({ phases: [steady(333, 10_000)] });
    const plan = planLoad(scenario, { workers: 4, runId: 'run-p', startAtMs: 1000 });
    assert.equal(plan.planned, 3330);
    assert.equal(
      plan.workers.reduce((s, w) => s + w.capacity, 0),
      3330,
    );
    assert.ok(Math.abs(plan.workers.reduce((s, w) => s + w.rateShare, 0) - 1) < 1e-12);
    assert.deepEqual(
      plan.workers.map((w) => w.worker),
      [0, 1, 2, 3],
    );
    assert.equal(plan.durationMs, 10_000);
    assert.equal(plan.targetRate, 333);
    assert.equal(plan.runTag, runTag('run-p'));
    assert.equal(plan.startAtMs, 1000);
    assert.equal(plan.fullSpeed, false);
  });

  it('gives workers distinct seeds that depend on the scenario seed, and is deterministic', () => {
    const a = planLoad(testScenario(), { workers: 3, runId: 'r', startAtMs: 0 });
    assert.equal(new Set(a.workers.map((w) => w.seed)).size, 3);
    assert.deepEqual(planLoad(testScenario(), { workers: 3, runId: 'r', startAtMs: 0 }), a);
    const b = planLoad(testScenario({ seed: 7 }), { workers: 3, runId: 'r', startAtMs: 0 });
    assert.notDeepEqual(
      b.workers.map((w) => w.seed),
      a.workers.map((w) => w.seed),
    );
  });

  it('plans no more workers than there are users', () => {
    const plan = planLoad(testScenario({ population: { size: 2, returningShare: 0 } }), {
      workers: 8,
      runId: 'r',
      startAtMs: 0,
    });
    assert.equal(plan.workers.length, 2);
  });

  it('refuses a worker count outside 1..1024 with USAGE', () => {
    for (const workers of [0, 1.5, 2000]) {
      assert.throws(
        () => planLoad(testScenario(), { workers, runId: 'r', startAtMs: 0 }),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
      );
    }
  });
});
