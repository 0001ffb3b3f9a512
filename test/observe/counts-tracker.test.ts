import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { BucketCounts, BucketCountsWriter, BucketField } from '../../src/load/bucket-counts.js';
import { CountsTracker } from '../../src/observe/counts-tracker.js';
import { accountBuckets } from '../../src/observe/account-buckets.js';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

/** 10 anonymous events per second for `seconds` s, all acknowledged and measured, none failed. */
function setup(seconds: number): { counts: BucketCounts; tracker: CountsTracker } {
  const counts = BucketCounts.allocate({
    bucketMs: 1000,
    fromMs: T0,
    toMs: T0 + seconds * 1000 - 1,
    workers: 1,
  });
  const w = new BucketCountsWriter(counts, 0);
  for (let i = 0; i < seconds * 10; i++) {
    const t = T0 + i * 100;
    for (const f of [
      BucketField.planned,
      BucketField.plannedMeasured,
      BucketField.sent,
      BucketField.sentMeasured,
      BucketField.acknowledged,
      BucketField.acknowledgedMeasured,
    ])
      w.count(0, t, f);
  }
  w.flush();
  const tracker = new CountsTracker({
    counts,
    stragglerLagMs: 2000,
    stragglerBucketsPerPoll: 1,
    originMs: T0,
  });
  return { counts, tracker };
}

describe('CountsTracker', () => {
  it('records the upper bound (answer − bucket start) for newly visible events, and the interval as resolution', () => {
    const { tracker } = setup(3);
    assert.deepEqual(tracker.plan(T0 + 2500).buckets, [0, 1, 2]);
    assert.equal(tracker.plan(T0 + 2500).oldestShortStartMs, T0, 'nothing seen yet: the first bucket');
    // Poll 1 (sent T0+3000, answered T0+3200): bucket 0 shows 4 of its 10.
    assert.equal(tracker.record([0, 1, 2], [['anonymous', iso(T0), 4, 4]], T0 + 3000, T0 + 3200), 4);
    // Poll 2: bucket 0 complete (one row twice), bucket 1 complete, bucket 2 has 3.
    const answer = [
      ['anonymous', iso(T0), 11, 10],
      ['anonymous', iso(T0 + 1000), 10, 10],
      ['anonymous', iso(T0 + 2000), 3, 3],
    ];
    assert.equal(tracker.record([0, 1, 2], answer, T0 + 4000, T0 + 4100), 19);
    const h = decodeFromCompressedBase64(tracker.visibleHistograms().anonymous);
    assert.equal(h.totalCount, 23);
    // Bucket 0: 4 at 3.2 s, 6 at 4.1 s; bucket 1: 10 at 3.1 s; bucket 2: 3 at 2.1 s.
    const near = (micros: number, ms: number): boolean => Math.abs(micros / 1000 - ms) <= ms * 1e-3;
    assert.ok(near(h.minNonZeroValue, 2100), `${h.minNonZeroValue}`);
    assert.ok(near(h.maxValue, 4100), `${h.maxValue}`);
    assert.ok(near(h.getValueAtPercentile(50), 3100), `${h.getValueAtPercentile(50)}`);
    // Intervals: bucket 0 in poll 1, never asked before: [0, 3200]; in poll 2: [3000 − 1000, 4100];
    // bucket 1: [3000 − 2000, 3100]; bucket 2: [0, 2100]. The widest is the resolution.
    assert.equal(tracker.resolutionMs, 3200);
    // Bucket 0 done (settled, all visible), duplicates kept apart.
    assert.equal(tracker.short(0), 0);
    assert.equal(tracker.rowsOf('anonymous', 0) - tracker.uuidsOf('anonymous', 0), 1);
    assert.deepEqual(tracker.plan(T0 + 4200).buckets, [2]);
    // Buckets 0 and 1 complete: the oldest not yet fully seen is bucket 2.
    assert.equal(tracker.plan(T0 + 4200).oldestShortStartMs, T0 + 2000);
    const account = accountBuckets(tracker, new Map());
    assert.equal(account.anonymous.acknowledged, 30);
    assert.equal(account.anonymous.visible, 23);
    assert.equal(account.anonymous.lost, 7);
    assert.equal(account.anonymous.duplicates, 1);
    assert.equal(account.identified.acknowledged, 0);
  });

  it('asks about stragglers (short buckets long behind the newest visible one) a few per poll, in rotation', () => {
    const { tracker } = setup(20);
    // Every bucket shows 9 of 10, so every bucket stays open.
    const all = Array.from({ length: 20 }, (_, i) => i);
    tracker.record(
      all,
      all.map((i) => ['anonymous', iso(T0 + i * 1000), 9, 9]),
      T0 + 21_000,
      T0 + 21_000,
    );
    const first = tracker.plan(T0 + 21_000);
    // Buckets from 16 s on are within the 2 s lag of the newest (19 s): asked each poll.
    assert.deepEqual(
      first.buckets.filter((b) => b >= 16),
      [16, 17, 18, 19],
    );
    assert.equal(first.stragglers, 16);
    assert.equal(first.buckets.length, 5);
    assert.equal(first.pending, 20);
    const second = tracker.plan(T0 + 22_000);
    assert.notDeepEqual(second.buckets, first.buckets, 'the straggler rotates');
  });

  it('a bucket whose events are not all final stays open even when its counts match', () => {
    const { counts, tracker } = setup(1);
    const w = new BucketCountsWriter(counts, 0);
    w.count(0, T0 + 500, BucketField.planned); // one more planned, not sent yet
    w.flush();
    tracker.record([0], [['anonymous', iso(T0), 10, 10]], T0 + 1500, T0 + 1600);
    assert.equal(tracker.settled(0), false);
    assert.deepEqual(tracker.plan(T0 + 2000).buckets, [0]);
    assert.equal(tracker.plan(T0 + 2000).unsettled, 1);
    // Every acknowledged event visible: none is short, whatever the load side has still to send.
    assert.ok(Number.isNaN(tracker.plan(T0 + 2000).oldestShortStartMs));
  });
});
