import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { chooseObservationMethod } from '../../src/observe/choose-method.js';
import type { RatePhase } from '../../src/scenario/scenario.js';

const steady = (rate: number, seconds = 60): RatePhase[] => [
  { name: 'steady', kind: 'steady', fromRate: 0, toRate: rate, durationMs: seconds * 1000, measured: true },
];
const input = (rate: number, seconds = 60) => ({
  requested: 'auto' as const,
  phases: steady(rate, seconds),
  planned: rate * seconds,
  pollIntervalMs: 1000,
  queryBudgetPerMinute: 120,
});

describe('chooseObservationMethod', () => {
  it('an explicit method is kept, with that as the reason', () => {
    assert.deepEqual(chooseObservationMethod({ ...input(50_000), requested: 'exact' }), {
      method: 'exact',
      reason: 'observation.method is exact',
    });
    assert.equal(chooseObservationMethod({ ...input(10), requested: 'counts' }).method, 'counts');
  });

  it('auto: exact while a poll’s rows fit the budget, counts beyond, and says why', () => {
    // 120 queries/min: the exact poller stretches 1 s to 1.2 s (2 queries a poll within 90 % of
    // the budget less 4 kept for the end), so a poll gets 2.4 queries × 50,000 rows, half as
    // margin = 60,000 rows; a poll needs rate × (1.2 s + 10 s) rows: exact up to 5,357 events/s.
    const low = chooseObservationMethod(input(5_300));
    assert.equal(low.method, 'exact');
    assert.match(low.reason, /59,360 rows each, within the 60,000/);
    const high = chooseObservationMethod(input(5_400));
    assert.equal(high.method, 'counts');
    assert.match(high.reason, /about 60,480 rows each at 5,400 events\/s, over the 60,000/);
    // A ramp counts at its peak.
    const ramp = chooseObservationMethod({
      ...input(0),
      phases: [
        { name: 'ramp', kind: 'ramp', fromRate: 10_000, toRate: 100, durationMs: 60_000, measured: true },
      ],
    });
    assert.equal(ramp.method, 'counts');
  });

  it('auto: the per-hour budget counts too (the interval it stretches, the queries a poll gets)', () => {
    const perMinuteOnly = { ...input(5_000), queryBudgetPerMinute: 240 };
    // 240/min alone: a 1 s poll gets 4 queries, 100,000 rows; 5,000/s needs 55,000.
    assert.equal(chooseObservationMethod(perMinuteOnly).method, 'exact');
    // 2,400/hour over an hour of load and drain: polls stretch to 3.4 s and get 2.27 queries,
    // 56,666 rows; 5,000/s needs 5,000 × 13.4 s = 67,000.
    const hourly = chooseObservationMethod({
      ...perMinuteOnly,
      queryBudgetPerHour: 2400,
      observationMs: 3_600_000,
    });
    assert.equal(hourly.method, 'counts');
    assert.match(hourly.reason, /about 67,000 rows each at 5,000 events\/s, over the 56,666/);
  });

  it('auto: counts when the per-event ledger would pass its memory cap, whatever the rate', () => {
    // 15 bytes per event: a day at 1,000 events/s fits (1,236 MiB), at 2,000/s it does not.
    assert.equal(chooseObservationMethod(input(1_000, 24 * 3600)).method, 'exact');
    const soak = chooseObservationMethod(input(2_000, 24 * 3600));
    assert.equal(soak.method, 'counts');
    assert.match(soak.reason, /ledger of 172,800,000 events would take 2,472 MiB/);
  });

  it('a load longer than the ledger spans (about 36 h): auto counts; exact is refused, saying why', () => {
    const long = input(10, 40 * 3600);
    const auto = chooseObservationMethod(long);
    assert.equal(auto.method, 'counts');
    assert.match(auto.reason, /phases last 40h 00m, longer than the 36h 17m a per-event ledger spans/);
    assert.throws(
      () => chooseObservationMethod({ ...long, requested: 'exact' }),
      (e: unknown) =>
        e instanceof IngestbenchError &&
        e.code === 'SCENARIO_INVALID' &&
        /observation\.method: exact .* phases last 40h 00m: use method counts/.test(e.message),
    );
    assert.equal(chooseObservationMethod({ ...input(10, 36 * 3600), requested: 'exact' }).method, 'exact');
  });
});
