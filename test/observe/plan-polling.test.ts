import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observationPlan, planPolling } from '../../src/observe/plan-polling.js';
import { POSTHOG_QUERY_LIMITS } from '../../src/observe/query-budget.js';

const base = { limits: POSTHOG_QUERY_LIMITS, queriesPerPoll: 2, reserve: 4 };

describe('planPolling', () => {
  it('keeps the interval asked for when the budget lasts the run at that pace', () => {
    assert.deepEqual(planPolling({ ...base, requestedIntervalMs: 1000, observationMs: 6 * 60_000 }), {
      intervalMs: 1000,
      stretch: null,
    });
  });

  it('stretches to fit 2,400 queries/hour over an hour-long run, and says why', () => {
    const plan = planPolling({ ...base, requestedIntervalMs: 1000, observationMs: 3_660_000 });
    // 2 queries a poll, 90 % of 2,400 less 4 kept for the end = 2,156 over 61 minutes: ≥ 3.4 s.
    assert.equal(plan.intervalMs, 3400);
    assert.match(plan.stretch!, /stretched from 1\.00 s to 3\.40 s to fit 2400 queries\/hour over 1h 01m/);
    // Polls over the first hour at that interval stay within the hourly limit.
    assert.ok((3_600_000 / plan.intervalMs) * 2 <= 2400);
  });

  it('stretches for the minute window when polls are asked faster than 240/min allows', () => {
    const plan = planPolling({ ...base, requestedIntervalMs: 250, observationMs: 60_000 });
    assert.equal(plan.intervalMs, 600);
    assert.match(plan.stretch!, /240 queries\/minute/);
  });

  it('plans past an hour by the hourly rate (the window slides)', () => {
    const day = planPolling({ ...base, requestedIntervalMs: 1000, observationMs: 24 * 3_600_000 });
    const hour = planPolling({ ...base, requestedIntervalMs: 1000, observationMs: 3_600_000 });
    assert.equal(day.intervalMs, hour.intervalMs);
  });

  it("legacy plan's 120/hour stretches a 5-minute run to several seconds", () => {
    const plan = planPolling({
      ...base,
      limits: { ...POSTHOG_QUERY_LIMITS, perHour: 120 },
      requestedIntervalMs: 1000,
      observationMs: 6 * 60_000,
    });
    assert.equal(plan.intervalMs, 7000);
    assert.ok(((6 * 60_000) / plan.intervalMs) * 2 + 4 <= 120);
  });

  it('describes the observation a scenario will get (for validate)', () => {
    const line = observationPlan(
      {
        pollIntervalMs: 1000,
        queryBudgetPerMinute: 240,
        queryBudgetPerHour: 2400,
        maxConcurrentQueries: 3,
        drainTimeoutMs: 60_000,
      },
      3_600_000,
    );
    assert.match(line, /^poll every 3\.40 s \(poll interval stretched from 1\.00 s/);
    assert.match(line, /≤ 240 queries\/min, ≤ 2400\/hour, ≤ 3 at once, drain ≤ 1m 00s$/);
  });
});
