import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countsTimeline, type CountsTimelineInput } from '../../src/measure/counts-timeline.js';
import { toMicros } from '../../src/core/latency-histogram.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0, 400);

describe('countsTimeline', () => {
  it('per-class seconds from per-bucket counts and latencies, all-class counts from the load side', () => {
    // Bucket 0 starts 400 ms before the plan (epoch-aligned buckets): each bucket lands in the
    // second that holds its middle, bucket k in second k.
    const input: CountsTimelineInput = {
      originMs: T0,
      firstBucketStartMs: T0 - 400,
      bucketMs: 1000,
      classes: {
        anonymous: {
          sent: [10, 12, 0],
          acknowledged: [9, 12, 0],
          latencies: [[toMicros(1500), 5, toMicros(2500), 4], [toMicros(1200), 12], null],
          visiblePerSecond: [0, 5, 16],
        },
        identified: {
          sent: [3, 0, 2],
          acknowledged: [3, 0, 2],
          latencies: [[toMicros(3000), 3], null, null],
          visiblePerSecond: [0, 0, 3],
        },
      },
    };
    const load = [
      { second: 0, sent: 13, acknowledged: 10, errors: 1 },
      { second: 1, sent: 12, acknowledged: 14, errors: 0 },
    ];
    const t = countsTimeline(input, load);
    assert.equal(t.length, 3);
    assert.deepEqual(
      t.map((s) => [s.second, s.sent, s.acknowledged, s.visible, s.errors]),
      [
        [0, 13, 10, 0, 1],
        [1, 12, 14, 5, 0],
        [2, 0, 0, 19, 0],
      ],
    );
    const a0 = t[0]!.classes.anonymous;
    assert.deepEqual([a0.sent, a0.acknowledged, a0.visible, a0.latencyCount], [10, 9, 0, 9]);
    // 5 at 1.5 s and 4 at 2.5 s: the median is 1.5 s, p99 2.5 s (within histogram precision).
    assert.ok(Math.abs(a0.visibleP50! - 1500) < 2, `${a0.visibleP50}`);
    assert.ok(Math.abs(a0.visibleP99! - 2500) < 3, `${a0.visibleP99}`);
    assert.equal(t[1]!.classes.anonymous.latencyCount, 12);
    assert.equal(t[2]!.classes.anonymous.visibleP50, null);
    const i0 = t[0]!.classes.identified;
    assert.equal(i0.latencyCount, 3);
    assert.ok(Math.abs(i0.visibleP50! - 3000) < 3);
    assert.deepEqual(
      t.map((s) => s.classes.identified.sent),
      [3, 0, 2],
    );
    assert.equal(t[1]!.classes.identified.visibleP50, null);
  });

  it('a bucket wider than a second lands in the second that holds its middle', () => {
    const input: CountsTimelineInput = {
      originMs: T0,
      firstBucketStartMs: T0,
      bucketMs: 5000,
      classes: {
        anonymous: { sent: [50, 20], acknowledged: [50, 20], latencies: [null, null], visiblePerSecond: [] },
        identified: { sent: [0, 0], acknowledged: [0, 0], latencies: [null, null], visiblePerSecond: [] },
      },
    };
    const t = countsTimeline(input, []);
    assert.equal(t.length, 8);
    assert.deepEqual(
      t.map((s) => s.classes.anonymous.sent),
      [0, 0, 50, 0, 0, 0, 0, 20],
    );
  });
});
