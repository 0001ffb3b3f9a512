import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    // 120 queries/min at 1 poll/s: 2 queries × 50,000 rows per poll, half as margin = 50,000 rows;
    // a poll needs rate × (1 s + 10 s) rows: exact up to 4,545 events/s.
    const low = chooseObservationMethod(input(4_500));
    assert.equal(low.method, 'exact');
    assert.match(low.reason, /49,500 rows each, within the 50,000/);
    const high = chooseObservationMethod(input(4_600));
    assert.equal(high.method, 'counts');
    assert.match(high.reason, /about 50,600 rows each at 4,600 events\/s, over the 50,000/);
    // A ramp counts at its peak.
    const ramp = chooseObservationMethod({
      ...input(0),
      phases: [
        { name: 'ramp', kind: 'ramp', fromRate: 10_000, toRate: 100, durationMs: 60_000, measured: true },
      ],
    });
    assert.equal(ramp.method, 'counts');
  });

  it('auto: counts when the per-event ledger would pass its memory cap, whatever the rate', () => {
    const soak = chooseObservationMethod(input(1_000, 24 * 3600)); // 86.4 M events × 27 bytes
    assert.equal(soak.method, 'counts');
    assert.match(soak.reason, /ledger of 86,400,000 events would take 2,225 MiB/);
  });
});
