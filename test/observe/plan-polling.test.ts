import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hourlyRoom, observationPlan, planPolling } from '../../src/observe/plan-polling.js';
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

  it('leaves the key its past hour: queries carried in from earlier observations take their room', () => {
    const fresh = planPolling({ ...base, requestedIntervalMs: 1000, observationMs: 30 * 60_000 });
    // 1,800 of the hour's 2,400 were sent in the last minute: they stay in the window all through
    // a 30-minute observation, leaving 2,156 − 1,800 = 356 queries for it.
    const carried = Array.from({ length: 1800 }, (_, i) => -60_000 + i * 30);
    const plan = planPolling({ ...base, requestedIntervalMs: 1000, observationMs: 30 * 60_000, carried });
    assert.equal(fresh.intervalMs, 1700);
    assert.equal(plan.intervalMs, Math.ceil((2 * 30 * 60_000) / 356 / 100) * 100);
    assert.match(plan.stretch!, /, 1800 of them used in the past hour already/);
  });

  it('counts carried queries only while they are in the window', () => {
    // Sent 50 minutes ago: they leave after 10 minutes of a 30-minute observation.
    const old = Array.from({ length: 1000 }, () => -50 * 60_000);
    // Until they leave, the plan's own 10/30 of its room and the 1,000 must fit 2,156: room ≤ 3,468;
    // at the end the window holds only the plan's own queries: room ≤ 2,156.
    assert.equal(hourlyRoom(2156, 30 * 60_000, old), 2156);
    // 2,000 of them: (2,156 − 2,000) · 30/10 = 468 is the tighter bound.
    const many = Array.from({ length: 2000 }, () => -50 * 60_000);
    assert.equal(hourlyRoom(2156, 30 * 60_000, many), 468);
    // The same 2,000 sent a minute ago stay all through: 156 left.
    assert.equal(
      hourlyRoom(
        2156,
        30 * 60_000,
        many.map(() => -60_000),
      ),
      156,
    );
    // A window already full leaves nothing (the planner then polls as rarely as it can).
    assert.equal(
      hourlyRoom(
        100,
        60_000,
        Array.from({ length: 150 }, () => -1000),
      ),
      0,
    );
  });

  it('plans the hour over the span the key budget must last when later observations follow', () => {
    const alone = planPolling({ ...base, requestedIntervalMs: 250, observationMs: 60_000 });
    const search = planPolling({
      ...base,
      requestedIntervalMs: 250,
      observationMs: 60_000,
      budgetSpanMs: 30 * 60_000,
    });
    assert.equal(alone.intervalMs, 600, 'alone, the minute window binds');
    // 2,156 queries over 30 minutes, 2 a poll: one poll every 1.67 s.
    assert.equal(search.intervalMs, 1700);
    assert.match(search.stretch!, /over 1m 00s of load and drain and the 30m 00s the key's budget must last/);
  });
});
