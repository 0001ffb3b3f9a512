import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketCounts, BucketCountsWriter, BucketField } from '../../src/load/bucket-counts.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0, 250); // not on a bucket boundary

describe('BucketCounts', () => {
  it('buckets by epoch-aligned intended time, as toStartOfInterval does, clamped to the run', () => {
    const c = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0 + 2500, workers: 1 });
    assert.equal(c.buckets, 3); // [T0−250, +1 s), …, up to the bucket holding T0 + 2500
    assert.equal(c.startOf(0), T0 - 250);
    assert.equal(c.indexOf(T0), 0);
    assert.equal(c.indexOf(T0 + 749.9), 0);
    assert.equal(c.indexOf(T0 + 750), 1);
    assert.equal(c.indexOf(T0 - 10_000), 0);
    assert.equal(c.indexOf(T0 + 60_000), 2);
  });

  it('the workers’ per-batch adds land per class, bucket and field; memory grows with time, not events', () => {
    const c = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0 + 1999, workers: 2 });
    const writers = [new BucketCountsWriter(c, 0), new BucketCountsWriter(c, 1)];
    for (let i = 0; i < 1000; i++) {
      const w = writers[i % 2]!;
      w.count(i % 4 === 0 ? 1 : 0, T0 + i, BucketField.acknowledged);
      if (i % 10 === 0) w.count(0, T0 + i, BucketField.failed);
    }
    // Nothing is visible to readers before a flush.
    assert.equal(c.get('anonymous', 0, BucketField.acknowledged), 0);
    writers.forEach((w) => w.flush());
    assert.equal(
      c.get('anonymous', 0, BucketField.acknowledged) + c.get('anonymous', 1, BucketField.acknowledged),
      750,
    );
    assert.equal(c.total('identified', BucketField.acknowledged), 250);
    assert.equal(c.get('anonymous', 0, BucketField.acknowledged), 562); // intended < T0 + 750
    assert.equal(c.total('anonymous', BucketField.failed), 100);
    const longer = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0 + 3_599_999, workers: 2 });
    assert.ok(longer.byteLength - c.byteLength > 0);
    assert.ok(longer.byteLength < 1024 * 1024, `${longer.byteLength} bytes for an hour`);
  });

  it('keeps unacknowledged seq ranges per worker up to a cap, then says it overflowed', () => {
    const c = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0, workers: 2, rangesPerWorker: 2 });
    assert.equal(c.addUnacknowledged(1, 10, 20), true);
    assert.equal(c.addUnacknowledged(1, 30, 31), true);
    assert.deepEqual(c.unacknowledged(1), [
      [10, 20],
      [30, 31],
    ]);
    assert.deepEqual(c.unacknowledged(0), []);
    assert.equal(c.rangesOverflowed, false);
    assert.equal(c.addUnacknowledged(1, 40, 41), false);
    assert.equal(c.rangesOverflowed, true);
    assert.equal(c.unacknowledged(1).length, 2);
  });
});
