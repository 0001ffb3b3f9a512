import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeEventUuid } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { latencySummary } from '../../src/measure/latency-summary.js';
import { mergeRanges, VisibilityTracker } from '../../src/observe/visibility-tracker.js';

const T0 = 1_800_000_000_000;
const TAG = 0xabcdef;

/** One shard of `n` events, 100 ms apart, all acknowledged unless `status` says otherwise. */
function ledgerOf(n: number, status: (seq: number) => number = () => EventStatus.acknowledged): Ledger {
  const ledger = Ledger.allocate([n]);
  const s = ledger.shard(0);
  for (let seq = 0; seq < n; seq += 1) {
    s.setIntended(seq, T0 + seq * 100);
    s.status[seq] = status(seq);
    s.flags[seq] = LedgerFlag.measured | (seq % 2 ? LedgerFlag.identified : 0);
  }
  return ledger;
}

const seeAt = (tracker: VisibilityTracker, seqs: readonly number[], at: number, rowsEach = 1): number => {
  const uuids = seqs.map((seq) => encodeEventUuid(TAG, 0, seq, T0 + seq * 100));
  return tracker.record(
    new Map(uuids.map((u, i) => [u, { rows: rowsEach, at, createdAt: T0 + seqs[i]! * 100 + 250 }])),
    false,
  );
};

describe('VisibilityTracker', () => {
  it('asks about the window of unseen acknowledged events up to now, not future or unsent ones', () => {
    const ledger = ledgerOf(10, (seq) =>
      seq === 7
        ? EventStatus.sent
        : seq === 3
          ? EventStatus.rejected
          : seq > 7
            ? EventStatus.planned
            : EventStatus.acknowledged,
    );
    const tracker = new VisibilityTracker({ ledger, runTag: TAG, stragglerLagMs: 10_000 });
    const scan = tracker.scan(T0 + 750); // seq 0..7 are due; 7 is in flight, 3 rejected
    assert.deepEqual(scan, {
      window: [T0 - 1, T0 + 600 + 2],
      pending: 6,
      stragglers: 0,
      inFlight: 1,
      oldestUnseenAt: T0,
    });
  });

  it('writes first-seen times and seen counts once, and moves the window past seen events', () => {
    const ledger = ledgerOf(10);
    const tracker = new VisibilityTracker({ ledger, runTag: TAG, stragglerLagMs: 10_000 });
    assert.equal(seeAt(tracker, [0, 1, 2], T0 + 5000, 2), 3);
    assert.equal(seeAt(tracker, [1], T0 + 6000), 0); // already visible: time kept
    const s = ledger.shard(0);
    assert.equal(s.visibleAt(1), T0 + 5000);
    assert.equal(s.seen[1], 2);
    assert.deepEqual(tracker.visibleByClass, { anonymous: 2, identified: 1 });
    assert.deepEqual(tracker.scan(T0 + 10_000).window, [T0 + 300 - 1, T0 + 900 + 2]);
    // A uuid of another run is counted as foreign, not written anywhere.
    tracker.record(new Map([[encodeEventUuid(1, 0, 4, T0), { rows: 1, at: T0, createdAt: null }]]), false);
    assert.equal(tracker.foreign.size, 1);
    assert.ok(!s.isVisible(4));
    // So is this run's uuid for a slot the load side never planned (no intended time to keep it after).
    const unplanned = ledgerOf(2);
    const onUnplanned = new VisibilityTracker({ ledger: unplanned, runTag: TAG, stragglerLagMs: 10_000 });
    const none = Ledger.allocate([2]);
    const onNone = new VisibilityTracker({ ledger: none, runTag: TAG, stragglerLagMs: 10_000 });
    assert.equal(seeAt(onNone, [1], T0 + 1000), 0);
    assert.equal(onNone.foreign.size, 1);
    assert.equal(seeAt(onUnplanned, [1], T0 + 1000), 1);
    // created_at − intended was 250 ms for each of the three (measured) events seen.
    const created = tracker.createdLatency();
    assert.ok(created);
    assert.equal(latencySummary(created.all).count, 3);
    assert.equal(latencySummary(created.identified).max, 250.111); // 250 ms within HDR precision
  });

  it('counts a created_at before the intended time as clock skew, not as a 1 µs latency', () => {
    const ledger = ledgerOf(4);
    const tracker = new VisibilityTracker({ ledger, runTag: TAG, stragglerLagMs: 10_000 });
    const row = (
      seq: number,
      createdAfterMs: number,
    ): [string, { rows: number; at: number; createdAt: number }] => [
      encodeEventUuid(TAG, 0, seq, T0 + seq * 100),
      { rows: 1, at: T0 + 5000, createdAt: T0 + seq * 100 + createdAfterMs },
    ];
    // A target clock 1.2 s behind: two of four created_at values land before their intended time.
    tracker.record(new Map([row(0, 300), row(1, -1200), row(2, -40), row(3, 0)]), false);
    const created = tracker.createdLatency();
    assert.ok(created);
    assert.equal(latencySummary(created.all).count, 2);
    assert.deepEqual(tracker.createdSkew.figures(), { count: 2, worstMs: -1200 });
  });

  it('turns events left behind by newer visible ones into stragglers, chased in narrow ranges', () => {
    const ledger = ledgerOf(200);
    const tracker = new VisibilityTracker({ ledger, runTag: TAG, stragglerLagMs: 1000 });
    const seen = Array.from({ length: 200 }, (_, i) => i).filter(
      (i) => i !== 5 && i !== 6 && i !== 40 && i < 150,
    );
    seeAt(tracker, seen, T0 + 20_000);
    const scan = tracker.scan(T0 + 20_000);
    // Newest visible: seq 149 (T0 + 14.9 s); cutoff 13.9 s: 5, 6 and 40 are stragglers; 150.. recent.
    assert.equal(scan.stragglers, 3);
    assert.equal(scan.pending, 53);
    assert.deepEqual(scan.window, [T0 + 15_000 - 1, T0 + 19_900 + 2]);
    // The oldest unseen event is a straggler, not the window's first.
    assert.equal(scan.oldestUnseenAt, T0 + 500);
    assert.deepEqual(tracker.stragglerRanges(5, 100), [
      [
        [T0 + 499, T0 + 502],
        [T0 + 599, T0 + 602],
        [T0 + 3999, T0 + 4002],
      ],
    ]);
    // One range per query, one query per poll: the chase rotates through them.
    const turns = [0, 1, 2, 3].map(() => tracker.stragglerRanges(1, 1)[0]![0]![0] - T0);
    assert.deepEqual(turns, [599, 3999, 499, 599]); // the first call above took turn 0
    // A straggler that shows up is counted as such and leaves the list.
    assert.equal(
      tracker.record(
        new Map([[encodeEventUuid(TAG, 0, 40, T0), { rows: 1, at: T0 + 21_000, createdAt: null }]]),
        true,
      ),
      1,
    );
    assert.equal(tracker.seenAsStragglers, 1);
    assert.equal(tracker.scan(T0 + 21_000).stragglers, 2);
    // Every event seen: nothing unseen, no oldest.
    seeAt(tracker, [5, 6, ...Array.from({ length: 50 }, (_, i) => 150 + i)], T0 + 22_000);
    const done = tracker.scan(T0 + 22_000);
    assert.equal(done.pending, 0);
    assert.ok(Number.isNaN(done.oldestUnseenAt));
  });

  it('merges overlapping ranges', () => {
    assert.deepEqual(
      mergeRanges([
        [5, 8],
        [0, 3],
        [2, 4],
        [8, 9],
      ]),
      [
        [0, 4],
        [5, 9],
      ],
    );
  });
});

describe('VisibilityTracker of a shard', () => {
  it("maps a shard's lanes to its ledger and counts other shards' uuids as foreign", () => {
    // Shard 2 of 3 with two workers: lanes 1 and 4.
    const ledger = Ledger.allocate([5, 5]);
    for (const s of ledger.shards) {
      for (let seq = 0; seq < 5; seq += 1) {
        s.setIntended(seq, T0 + seq * 100);
        s.status[seq] = EventStatus.acknowledged;
        s.flags[seq] = LedgerFlag.measured;
      }
    }
    const tracker = new VisibilityTracker({
      ledger,
      runTag: TAG,
      stragglerLagMs: 10_000,
      shard: { index: 2, count: 3 },
    });
    const row = { rows: 1, at: T0 + 2000, createdAt: null };
    const fresh = tracker.record(
      new Map([
        [encodeEventUuid(TAG, 1, 3, T0 + 300), row],
        [encodeEventUuid(TAG, 4, 2, T0 + 200), row],
        [encodeEventUuid(TAG, 0, 3, T0 + 300), row], // lane 0: shard 1's
        [encodeEventUuid(TAG, 2, 3, T0 + 300), row], // lane 2: shard 3's
      ]),
      false,
    );
    assert.equal(fresh, 2);
    assert.equal(ledger.shard(0).visibleAt(3), T0 + 2000);
    assert.equal(ledger.shard(1).visibleAt(2), T0 + 2000);
    assert.equal(tracker.foreign.size, 2);
  });
});
