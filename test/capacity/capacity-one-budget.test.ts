// A capacity search spends ONE query budget, the key's, over all of its steps: through the posthog
// target against a reference whose cloud profile allows the key 400 queries an hour (and 1,000 a
// minute, so the hour is what binds). Every step's preflight, probe and polls go through that one
// budget, each step plans the hour to last the rest of the search, and the search finishes with 0
// throttled queries, both classes' figures, and its queries reported against the key's limits,
// equal to what the target answered. (What a fresh budget per step does to the hour over a long
// search is shown on a virtual clock in test/observe/key-budget.test.ts.)

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CapacityFigures } from '../../src/verdict/capacity-types.js';
import { runCapacity } from '../../src/capacity/run-capacity.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { posthogTargetFromEnv } from '../../src/targets/posthog-target.js';
import { shortScenarioText } from '../short-scenario.js';
import { queryOutcomes } from '../target-queries.js';
import { posthogEnv } from '../posthog-env.js';

const TOKEN = 'phc_capacityBudget';
const KEY = 'phx_capacityBudget';
const PER_HOUR = 400;
const PER_MINUTE = 1000;

let reference: ReferenceTarget;
before(async () => {
  reference = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN],
    personalKey: KEY,
    queryLimits: 'cloud',
    queryLimitOverrides: { perMinute: PER_MINUTE, perHour: PER_HOUR },
  });
});
after(() => reference.stop());

describe('a capacity search on one key budget of 400 queries an hour', () => {
  let capacity: CapacityFigures;
  let outcomes: Record<string, number>;
  before(async () => {
    const scenario = parseScenario(
      shortScenarioText({
        name: 'capacity-budget',
        seed: 17,
        rate: 50,
        duration: '2s',
        populationSize: 400,
        pollInterval: '100ms',
        drainTimeout: '5s',
        sla: ['visible.p99 < 3s'],
        queriesPerMinute: PER_MINUTE,
        queriesPerHour: PER_HOUR,
      }),
      'capacity-budget.yaml',
    );
    const target = posthogTargetFromEnv(posthogEnv(reference, { token: TOKEN, personalKey: KEY }));
    try {
      capacity = await runCapacity({
        scenario,
        target,
        classes: ['anonymous', 'identified'],
        stepDurationMs: 2000,
        runId: `capacity-budget-${process.pid}`,
        startRate: 50,
        maxRate: 200,
        maxSteps: 3,
        workers: 1,
      });
    } finally {
      await target.stop();
    }
    outcomes = await queryOutcomes(reference.metricsUrl);
  });

  it('finishes with both classes measured and nothing throttled', () => {
    const why = JSON.stringify({ queries: capacity.queries, outcomes });
    for (const cls of ['anonymous', 'identified'] as const) {
      const c = capacity.classes[cls];
      assert.ok(c !== undefined, `${cls} measured`);
      assert.ok(
        c.sustainable !== null && c.sustainable >= 50,
        `${cls}: ${JSON.stringify(c.steps.map((s) => [s.rate, s.reasons]))}`,
      );
      assert.ok(c.steps.length >= 3, `${cls}: search and profile steps`);
      for (const s of c.steps) assert.equal(s.unseen, 0, `${cls} at ${s.rate}/s: every event seen`);
    }
    assert.notEqual(capacity.ratio, null);
    assert.equal(capacity.queries.throttled, 0, why);
    for (const [outcome, n] of Object.entries(outcomes))
      if (outcome.startsWith('throttled')) assert.equal(n, 0, `${outcome}: ${why}`);
  });

  it("reports the whole search's queries against the key's limits", () => {
    const q = capacity.queries;
    assert.deepEqual([q.perMinute, q.perHour, q.concurrent], [PER_MINUTE, PER_HOUR, 3]);
    // Every query of every step went through the one budget, and the target answered each.
    assert.equal(q.sent, outcomes['answered']);
    assert.ok(q.peakPerHour <= PER_HOUR && q.peakPerHour === q.sent, JSON.stringify(q));
    // The hour was used, not hoarded.
    assert.ok(q.sent > PER_HOUR / 4, JSON.stringify(q));
  });
});
