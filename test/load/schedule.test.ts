import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { batchEnd, BATCH_WINDOW_MS, Schedule, totalEvents } from '../../src/load/schedule.js';
import type { RatePhase } from '../../src/scenario/scenario.js';

const phase = (kind: RatePhase['kind'], durationMs: number, fromRate: number, toRate: number): RatePhase => ({
  name: kind,
  kind,
  durationMs,
  fromRate,
  toRate,
  measured: kind !== 'warmup',
});

// warmup 2 s at 100/s (200 events), ramp 100 → 300/s over 4 s (800), steady 3 s at 300/s (900)
const PHASES = [
  phase('warmup', 2000, 100, 100),
  phase('ramp', 4000, 100, 300),
  phase('steady', 3000, 300, 300),
];

/** Every event of the run in global order: (worker, n) → time, phase. */
function globalTimeline(
  phases: readonly RatePhase[],
  workers: number,
): { t: number; phase: number; measured: boolean }[] {
  const schedules = Array.from({ length: workers }, (_, w) => new Schedule(phases, w, workers));
  const out: { t: number; phase: number; measured: boolean }[] = [];
  const total = schedules.reduce((s, x) => s + x.count, 0);
  for (let g = 0; g < total; g++) {
    const s = schedules[g % workers]!;
    const n = Math.floor(g / workers);
    out.push({ t: s.offsetMs(n), phase: s.phaseOf(n), measured: s.isMeasured(n) });
  }
  return out;
}

describe('Schedule', () => {
  it('plans the integral of the rate: 200 + 800 + 900 events', () => {
    assert.equal(totalEvents(PHASES), 1900);
    const timeline = globalTimeline(PHASES, 1);
    assert.equal(timeline.length, 1900);
    const perPhase = [0, 0, 0];
    for (const e of timeline) perPhase[e.phase]!++;
    assert.deepEqual(perPhase, [200, 800, 900]);
    assert.equal(timeline.filter((e) => !e.measured).length, 200);
  });

  it('splits the count across workers exactly and interleaves them in time', () => {
    for (const workers of [1, 2, 3, 7]) {
      const counts = Array.from({ length: workers }, (_, w) => new Schedule(PHASES, w, workers).count);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        1900,
        `${workers} workers: ${counts.join(',')}`,
      );
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
      const timeline = globalTimeline(PHASES, workers);
      for (let i = 1; i < timeline.length; i++)
        assert.ok(timeline[i]!.t > timeline[i - 1]!.t, `event ${i} not after ${i - 1}`);
      assert.deepEqual(timeline, globalTimeline(PHASES, 1), 'worker count must not move any event in time');
    }
  });

  it('places events at C⁻¹(g): steady spacing 1/rate, the ramp quadratic, all inside the run', () => {
    const s = new Schedule(PHASES, 0, 1);
    assert.equal(s.offsetMs(0), 0);
    assert.equal(s.offsetMs(1), 10);
    assert.equal(s.offsetMs(199), 1990);
    assert.equal(s.offsetMs(200), 2000);
    // Inside the ramp, C(t) = 100·t + 25·t² (t in s from 2 s): event 200 + k at the root.
    for (const k of [1, 150, 400, 799]) {
      const t = (-100 + Math.sqrt(100 * 100 + 100 * k)) / 50;
      assert.ok(Math.abs(s.offsetMs(200 + k) - (2000 + t * 1000)) < 1e-6, `ramp event ${k}`);
    }
    assert.equal(s.offsetMs(1000), 6000);
    assert.ok(Math.abs(s.offsetMs(1899) - (6000 + (899 * 1000) / 300)) < 1e-9);
    assert.ok(s.offsetMs(1899) < s.durationMs);
    assert.equal(s.durationMs, 9000);
  });

  it('handles a ramp from 0, a ramp down to 0, and a pause', () => {
    const phases = [phase('ramp', 1000, 0, 100), phase('steady', 500, 0, 0), phase('ramp', 1000, 100, 0)];
    assert.equal(totalEvents(phases), 100);
    const t = globalTimeline(phases, 2).map((e) => e.t);
    assert.equal(t.length, 100);
    assert.equal(t[0], 0);
    for (let i = 1; i < t.length; i++) assert.ok(t[i]! > t[i - 1]!);
    assert.ok(t[49]! < 1000 && t[50]! >= 1500, 'no event in the pause');
    assert.ok(t[99]! <= 2500);
  });

  it('does not plan an extra event from float error (20000/s × 30 s is 600000)', () => {
    assert.equal(totalEvents([phase('steady', 30_000, 20_000, 20_000)]), 600_000);
    assert.equal(totalEvents([phase('steady', 3000, 0.1, 0.1)]), 1);
    assert.equal(totalEvents([phase('steady', 1000, 2.5, 2.5)]), 3);
  });

  it('refuses rates that are not finite numbers ≥ 0', () => {
    for (const rate of [Infinity, NaN, -1]) {
      assert.throws(
        () => new Schedule([phase('steady', 1000, rate, rate)], 0, 1),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID',
      );
    }
  });
});

describe('batchEnd', () => {
  it('takes batch_size events in order, cut at the batch window and at the end', () => {
    const fast = new Schedule([phase('steady', 1000, 1000, 1000)], 0, 1);
    assert.equal(batchEnd(fast, 0, 100), 100);
    assert.equal(batchEnd(fast, 950, 100), 1000);
    // 10 events/s: 100 ms apart, so the window admits the first and the next only.
    const slow = new Schedule([phase('steady', 10_000, 10, 10)], 0, 1);
    assert.equal(batchEnd(slow, 0, 100), 1 + Math.floor(BATCH_WINDOW_MS / 100));
    assert.equal(batchEnd(slow, 5, 100, 1000), 16);
  });
});
