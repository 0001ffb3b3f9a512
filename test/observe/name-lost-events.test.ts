import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { Schedule } from '../../src/load/schedule.js';
import { firstAtOrAfter, nameLostEvents } from '../../src/observe/name-lost-events.js';
import type { RatePhase } from '../../src/scenario/scenario.js';

const T0 = Date.UTC(2026, 0, 1);
const TAG = runTag('run-1');
// 100 events/s for 10 s over 2 workers: global event g at T0 + 10 g ms, worker g mod 2.
const phases: RatePhase[] = [
  { name: 'steady', kind: 'steady', fromRate: 100, toRate: 100, durationMs: 10_000, measured: true },
];
const schedules = [new Schedule(phases, 0, 2), new Schedule(phases, 1, 2)];

describe('nameLostEvents', () => {
  it('finds a bucket’s sequence range per worker from the schedule', () => {
    assert.equal(firstAtOrAfter(schedules[0]!, T0, T0 + 1000), 50); // g = 100 → worker 0, n = 50
    assert.equal(firstAtOrAfter(schedules[1]!, T0, T0 + 1000), 50); // g = 101 at T0 + 1010
    assert.equal(firstAtOrAfter(schedules[1]!, T0, T0 + 1011), 51);
  });

  it('names acknowledged events the target did not return, and counts unacknowledged ones it did', () => {
    // Bucket [T0 + 1 s, T0 + 2 s): g 100..199, worker seqs 50..99 each.
    const returned: string[] = [];
    for (const worker of [0, 1])
      for (let seq = 50; seq < 100; seq++) {
        const missing = (worker === 0 && seq === 60) || (worker === 1 && seq === 99);
        if (!missing) returned.push(encodeEventUuid(TAG, worker, seq, T0 + 10 * (seq * 2 + worker)));
      }
    returned.push('01900000-0000-7000-8000-000000000001'); // not this run's
    const named = nameLostEvents({
      workers: [
        { schedule: schedules[0]!, unacknowledged: [] },
        // Worker 1's batch of seqs 95..99 failed: 99 missing is no loss; 95..98 landed anyway.
        { schedule: schedules[1]!, unacknowledged: [[95, 100]] },
      ],
      startAtMs: T0,
      runTag: TAG,
      range: [T0 + 1000, T0 + 2000],
      returned,
    });
    assert.deepEqual(
      named.lost.map((e) => [e.worker, e.seq, e.globalSeq, e.intendedMs]),
      [[0, 60, 120, T0 + 1200]],
    );
    assert.equal(named.lost[0]!.uuid, encodeEventUuid(TAG, 0, 60, T0 + 1200));
    assert.equal(named.visibleUnacknowledged, 4); // 95..98 of worker 1 were returned
  });
});
