import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClassCounts } from '../../src/load/load-tally.js';
import { LiveTimeline } from '../../src/live/live-timeline.js';
import { liveSla } from '../../src/live/live-sla.js';
import type { EventClass } from '../../src/scenario/scenario.js';

const LIMITS = { perMinute: 240, perHour: 2400, concurrent: 3 };
const START = 1_000_000;

const counts = (sent: number, acknowledged: number, extra: Partial<ClassCounts> = {}): ClassCounts => ({
  planned: 0,
  sent,
  acknowledged,
  rejected: 0,
  dropped: 0,
  failed: 0,
  ...extra,
});

const progress = (
  anonymous: ClassCounts,
  identified: ClassCounts,
  errors: Record<string, number> = {},
  sendDelayMaxMs: number | null = null,
): {
  classes: Record<EventClass, ClassCounts>;
  errors: Record<string, number>;
  sendDelayMaxMs: number | null;
  inFlight: number;
} => ({ classes: { anonymous, identified }, errors, sendDelayMaxMs, inFlight: 2 });

describe('LiveTimeline', () => {
  it('hands out each ended second once, with the load differences and the events first seen in it', () => {
    const t = new LiveTimeline(START, LIMITS);
    assert.deepEqual(t.tick(START + 999), []);
    t.load(progress(counts(10, 8), counts(4, 4), { http_429: 1 }, 35));
    t.visible('anonymous', 1, 1, 200, START + 500);
    t.visible('anonymous', 1, 1, 400, START + 900);
    t.visible('identified', 1, 0, 9000, START + 950); // warm-up event: counted, no latency
    const [first, ...rest] = t.tick(START + 1000);
    assert.equal(rest.length, 0);
    assert.equal(first!.second, 0);
    assert.equal(first!.endMs, START + 1000);
    const { visibleP50Ms, visibleP99Ms, ...anonymous } = first!.classes.anonymous;
    assert.deepEqual(anonymous, {
      sent: 10,
      acknowledged: 8,
      rejected: 0,
      failed: 0,
      dropped: 0,
      visible: 2,
      latencyCount: 2,
    });
    // HDR histograms keep 3 significant digits.
    assert.ok(Math.abs(visibleP50Ms! - 200) < 0.5, String(visibleP50Ms));
    assert.ok(Math.abs(visibleP99Ms! - 400) < 0.5, String(visibleP99Ms));
    assert.equal(first!.classes.identified.visible, 1);
    assert.equal(first!.classes.identified.latencyCount, 0);
    assert.equal(first!.classes.identified.visibleP50Ms, null);
    assert.deepEqual(first!.errors, { http_429: 1 });
    assert.equal(first!.sendDelayMaxMs, 35);
    assert.equal(first!.inFlight, 2);
    assert.deepEqual(t.tick(START + 1500), [], 'second 1 has not ended');

    // Second 1: only the difference since second 0.
    t.load(progress(counts(25, 20), counts(9, 9), { http_429: 3, timeout: 1 }));
    const [second] = t.tick(START + 2000);
    assert.equal(second!.classes.anonymous.sent, 15);
    assert.equal(second!.classes.anonymous.acknowledged, 12);
    assert.equal(second!.classes.identified.sent, 5);
    assert.deepEqual(second!.errors, { http_429: 2, timeout: 1 });
    assert.equal(second!.sendDelayMaxMs, null, 'nothing reported sent since');
    assert.equal(second!.classes.anonymous.visible, 0);
  });

  it('puts an event reported after its second was handed out into the next one', () => {
    const t = new LiveTimeline(START, LIMITS);
    t.tick(START + 2000);
    t.visible('anonymous', 3, 3, 1000, START + 1200); // seen in second 1, reported in second 2
    const [s2] = t.tick(START + 3000);
    assert.equal(s2!.second, 2);
    assert.equal(s2!.classes.anonymous.visible, 3);
  });

  it('finish() settles the final counts so the seconds sum to them', () => {
    const t = new LiveTimeline(START, LIMITS);
    const seen: number[] = [];
    t.load(progress(counts(10, 10), counts(0, 0)));
    for (const s of t.tick(START + 3000)) seen.push(s.classes.anonymous.sent);
    const last = t.finish(START + 3400, {
      counts: {
        anonymous: counts(17, 15, { dropped: 2 }),
        identified: counts(5, 5),
      },
      errors: {},
    });
    for (const s of last) seen.push(s.classes.anonymous.sent);
    assert.equal(
      seen.reduce((a, b) => a + b, 0),
      17,
    );
    const final = last.at(-1)!;
    assert.equal(final.second, 3);
    assert.equal(final.endMs, START + 3400);
    assert.equal(final.classes.anonymous.dropped, 2);
    assert.equal(final.classes.identified.sent, 5);
  });

  it('counts queries per second from the cumulative query stats', () => {
    const t = new LiveTimeline(START, LIMITS);
    t.queries({ queries: 4, throttled: 0, peakPerMinute: 4, peakPerHour: 4, limits: LIMITS });
    const [a] = t.tick(START + 1000);
    t.queries({ queries: 7, throttled: 1, peakPerMinute: 7, peakPerHour: 7, limits: LIMITS });
    const [b] = t.tick(START + 2000);
    assert.equal(a!.queries, 4);
    assert.equal(b!.queries, 3);
    assert.equal(b!.budget.throttled, 1);
    assert.equal(b!.budget.limits.perMinute, 240);
  });
});

describe('liveSla', () => {
  it('judges what the run knows so far and leaves the rest pending', () => {
    const t = new LiveTimeline(START, LIMITS);
    t.load(progress(counts(100, 90, { failed: 10 }), counts(0, 0)));
    for (let i = 0; i < 100; i++) t.visible('anonymous', 1, 1, 100 + i * 10, START + 100);
    const checks = liveSla(
      [
        { source: 'visible.p99 < 2s', metric: 'visible.p99', op: '<', threshold: 2000 },
        { source: 'anonymous.visible.p50 < 100ms', metric: 'anonymous.visible.p50', op: '<', threshold: 100 },
        { source: 'lost == 0', metric: 'lost', op: '==', threshold: 0 },
        { source: 'capture.error_share < 5%', metric: 'capture.error_share', op: '<', threshold: 0.05 },
        { source: 'visible >= 100', metric: 'visible', op: '>=', threshold: 100 },
      ],
      t.totals(),
    );
    assert.deepEqual(
      checks.map((c) => [c.check, c.status]),
      [
        ['visible.p99 < 2s', 'pass'],
        ['anonymous.visible.p50 < 100ms', 'fail'],
        ['lost == 0', 'pending'],
        ['capture.error_share < 5%', 'fail'],
        ['visible >= 100', 'pass'],
      ],
    );
    assert.equal(checks[3]!.value, 0.1);
    // p50 of 100..1090 ms in 10 ms steps: 590 ms, within HDR precision.
    assert.ok(Math.abs(checks[1]!.value! - 590) <= 1, String(checks[1]!.value));
  });
});
