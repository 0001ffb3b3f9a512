import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TimelineSecond } from '../../src/measure/lag-timeline.js';
import { lagTrend, leastSquaresSlope, trendWindows } from '../../src/measure/lag-trend.js';
import type { RatePhase } from '../../src/scenario/scenario.js';

const phase = (kind: RatePhase['kind'], seconds: number): RatePhase => ({
  name: kind,
  kind,
  durationMs: seconds * 1000,
  fromRate: 10,
  toRate: 10,
  measured: kind !== 'warmup',
});

/** A timeline whose anonymous p50 is p50(second) and identified has none. */
function timeline(seconds: number, p50: (second: number) => number | null): TimelineSecond[] {
  return Array.from({ length: seconds }, (_, second) => {
    const value = p50(second);
    const cls = (v: number | null) => ({
      sent: 1,
      acknowledged: 1,
      visible: 1,
      visibleP50: v,
      visibleP99: v,
      latencyCount: v === null ? 0 : 1,
    });
    return {
      second,
      sent: 2,
      acknowledged: 2,
      visible: 2,
      errors: 0,
      classes: { anonymous: cls(value), identified: cls(null) },
    };
  });
}

describe('leastSquaresSlope', () => {
  it('is exact on a line and null without two distinct x', () => {
    assert.equal(leastSquaresSlope([0, 1, 2, 3], [5, 7, 9, 11]), 2);
    assert.equal(leastSquaresSlope([1, 2, 3], [4, 4, 4]), 0);
    assert.equal(leastSquaresSlope([1], [4]), null);
    assert.equal(leastSquaresSlope([2, 2], [1, 3]), null);
  });

  it('fits through noise: symmetric scatter around a line leaves its slope', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    const ys = xs.map((x, i) => 3 * x + (i % 2 === 0 ? 1 : -1));
    assert.ok(Math.abs(leastSquaresSlope(xs, ys)! - 3) < 0.3);
  });
});

describe('trendWindows', () => {
  it('takes the steady phases, skipping warmup and ramps', () => {
    const phases = [phase('warmup', 5), phase('steady', 10), phase('ramp', 4), phase('steady', 6)];
    assert.deepEqual(trendWindows(phases), {
      window: 'steady',
      ranges: [
        [5, 15],
        [19, 25],
      ],
    });
  });

  it('falls back to the measured phases when none is steady, and says so', () => {
    assert.deepEqual(trendWindows([phase('warmup', 2), phase('ramp', 8)]), {
      window: 'measured',
      ranges: [[2, 10]],
    });
  });
});

describe('lagTrend', () => {
  it('measures growth in ms per minute over the steady phase only', () => {
    // Warmup seconds 0-9 at a wild 10 s; steady 10-69 growing 0.5 ms a second (30 ms/min).
    const report = lagTrend(
      timeline(70, (s) => (s < 10 ? 10_000 : 200 + 0.5 * s)),
      [phase('warmup', 10), phase('steady', 60)],
      10,
    );
    assert.equal(report.window, 'steady');
    assert.deepEqual([report.fromSecond, report.toSecond], [10, 70]);
    const anonymous = report.classes.anonymous;
    assert.ok(Math.abs(anonymous.p50MsPerMinute! - 30) < 1e-6, String(anonymous.p50MsPerMinute));
    assert.ok(Math.abs(anonymous.p50ChangeMs! - 29.5) < 1e-6, String(anonymous.p50ChangeMs));
    assert.equal(anonymous.points, 60);
    assert.equal(anonymous.direction, 'grew'); // 29.5 ms > 10 ms resolution
    assert.deepEqual(report.classes.identified, {
      p50MsPerMinute: null,
      p50ChangeMs: null,
      points: 0,
      direction: null,
    });
  });

  it('calls a change within the poll resolution flat, and a fall shrank', () => {
    const phases = [phase('steady', 60)];
    const flat = lagTrend(
      timeline(60, (s) => 1000 + 0.1 * s),
      phases,
      1000,
    );
    assert.equal(flat.classes.anonymous.direction, 'flat');
    const shrank = lagTrend(
      timeline(60, (s) => 5000 - 50 * s),
      phases,
      1000,
    );
    assert.equal(shrank.classes.anonymous.direction, 'shrank');
    assert.ok(shrank.classes.anonymous.p50MsPerMinute! < 0);
  });

  it('skips seconds without a p50 (nothing intended then was seen)', () => {
    const report = lagTrend(
      timeline(20, (s) => (s % 2 === 0 ? 100 + s : null)),
      [phase('steady', 20)],
      1,
    );
    assert.equal(report.classes.anonymous.points, 10);
    assert.ok(Math.abs(report.classes.anonymous.p50MsPerMinute! - 60) < 1e-6);
  });
});
