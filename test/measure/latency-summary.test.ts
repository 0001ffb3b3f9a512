import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';
import { decodeHistogram, latencySummary, percentileCurve } from '../../src/measure/latency-summary.js';

/** Within HDR's 3 significant digits (0.1%), plus the µs rounding of the ms figure. */
const near = (actual: number | null, expected: number, what: string): void => {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= expected * 0.001 + 0.001,
    `${what}: ${actual} vs ${expected}`,
  );
};

describe('latencySummary', () => {
  it('gives percentiles in ms from a µs histogram, exact within HDR precision', () => {
    const h = latencyHistogram();
    for (let ms = 1; ms <= 1000; ms += 1) h.recordValue(ms * 1000); // 1 ms … 1000 ms, once each
    h.recordValueWithCount(5_000_000, 1); // one 5 s outlier: the max, and beyond p99.9
    const s = latencySummary(encodeIntoCompressedBase64(h));
    assert.equal(s.count, 1001);
    near(s.p50, 501, 'p50');
    near(s.p90, 901, 'p90');
    near(s.p99, 991, 'p99');
    near(s.p999, 1000, 'p99.9');
    near(s.max, 5000, 'max');
    near(s.mean, (500.5 * 1000 + 5000) / 1001, 'mean');
  });

  it('has no percentiles for an empty histogram (null, not 0), also when encoded as ""', () => {
    for (const empty of [latencyHistogram(), '', encodeIntoCompressedBase64(latencyHistogram())]) {
      assert.deepEqual(latencySummary(empty), {
        p50: null,
        p90: null,
        p99: null,
        p999: null,
        max: null,
        mean: null,
        count: 0,
      });
    }
  });

  it('survives encode/decode and draws a monotone percentile curve', () => {
    const h = latencyHistogram();
    for (const v of [2000, 4000, 8000, 16000]) h.recordValue(v);
    const decoded = decodeHistogram(encodeIntoCompressedBase64(h));
    assert.equal(decoded.totalCount, 4);
    const curve = percentileCurve(decoded, [0, 50, 100]);
    assert.equal(curve.length, 3);
    near(curve[0]![1], 2, 'p0');
    near(curve[1]![1], 4, 'p50');
    near(curve[2]![1], 16, 'p100');
    assert.deepEqual(percentileCurve(latencyHistogram(), [50]), []);
  });
});
