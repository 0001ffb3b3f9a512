import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { onLedgerGrid } from '../../src/load/ledger.js';
import { Schedule } from '../../src/load/schedule.js';
import { laneCount, laneOf } from '../../src/load/shard-spec.js';
import { firstAtOrAfter, nameLostEvents, type WorkerEvents } from '../../src/observe/name-lost-events.js';
import type { RatePhase } from '../../src/scenario/scenario.js';

const T0 = Date.UTC(2026, 0, 1);
const TAG = runTag('run-1');
// 100 events/s for 10 s over 2 workers: global event g at T0 + 10 g ms, worker g mod 2.
const phases: RatePhase[] = [
  { name: 'steady', kind: 'steady', fromRate: 100, toRate: 100, durationMs: 10_000, measured: true },
];
const schedules = [new Schedule(phases, 0, 2), new Schedule(phases, 1, 2)];

/** Names the lost events of bucket [T0 + 1 s, T0 + 2 s); each as [worker, seq, globalSeq, intendedMs]. */
function nameSecondBucket(workers: readonly WorkerEvents[], returned: readonly string[]) {
  const named = nameLostEvents({
    workers,
    startAtMs: T0,
    runTag: TAG,
    range: [T0 + 1000, T0 + 2000],
    returned,
  });
  return { named, lost: named.lost.map((e) => [e.worker, e.seq, e.globalSeq, e.intendedMs]) };
}

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
    const { named, lost } = nameSecondBucket(
      [
        { lane: 0, schedule: schedules[0]!, unacknowledged: [] },
        // Worker 1's batch of seqs 95..99 failed: 99 missing is no loss; 95..98 landed anyway.
        { lane: 1, schedule: schedules[1]!, unacknowledged: [[95, 100]] },
      ],
      returned,
    );
    assert.deepEqual(lost, [[0, 60, 120, T0 + 1200]]);
    assert.equal(named.lost[0]!.uuid, encodeEventUuid(TAG, 0, 60, T0 + 1200));
    assert.equal(named.visibleUnacknowledged, 4); // 95..98 of worker 1 were returned
  });

  it('in a shard, reads and names events by lane: the lane’s schedule, uuid bits and ingestbench_seq', () => {
    // Shard 2 of 2 with one worker: its worker 0 is lane 1 of 2, so it holds global events g = 2n + 1.
    const lane1 = new Schedule(
      phases,
      laneOf({ index: 2, count: 2 }, 0),
      laneCount({ index: 2, count: 2 }, 1),
    );
    assert.equal(laneOf({ index: 2, count: 2 }, 0), 1);
    const returned: string[] = [];
    for (let seq = 50; seq < 100; seq++)
      if (seq !== 70) returned.push(encodeEventUuid(TAG, 1, seq, T0 + 10 * (seq * 2 + 1)));
    // Shard 1's lane 0 uuids are not this shard's events: they strike off nothing.
    returned.push(encodeEventUuid(TAG, 0, 70, T0 + 10 * 140));
    const { named, lost } = nameSecondBucket([{ lane: 1, schedule: lane1, unacknowledged: [] }], returned);
    assert.deepEqual(lost, [[0, 70, 141, T0 + 1410]]);
    assert.equal(named.lost[0]!.uuid, encodeEventUuid(TAG, 1, 70, T0 + 1410));
  });

  it('takes intended times on the ledger grid, as the send loop recorded them', () => {
    // 3 events/s: event 1 at T0 + 333.33… ms, sent as T0 + 333.34375 (the 1/32 ms grid); event 2
    // at 666.66… → 666.65625. Its uuid carries the grid time (floored to the ms).
    const thirds: RatePhase[] = [
      { name: 'steady', kind: 'steady', fromRate: 3, toRate: 3, durationMs: 3000, measured: true },
    ];
    const named = nameLostEvents({
      workers: [{ lane: 0, schedule: new Schedule(thirds, 0, 1), unacknowledged: [] }],
      startAtMs: T0,
      runTag: TAG,
      range: [T0, T0 + 1000],
      returned: [],
    });
    assert.deepEqual(
      named.lost.map((e) => e.intendedMs),
      [T0, onLedgerGrid(T0 + 1000 / 3), onLedgerGrid(T0 + 2000 / 3)],
    );
    assert.equal(named.lost[1]!.intendedMs, T0 + 333.34375);
  });
});
