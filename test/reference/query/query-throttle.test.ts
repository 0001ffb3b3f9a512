import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { QUERY_LIMITS, resolveQueryLimits } from '../../../src/reference/query/query-limits.js';
import { createQueryThrottle, type ThrottleDecision } from '../../../src/reference/query/query-throttle.js';

describe('createQueryThrottle', () => {
  test('cloud over a simulated hour: exactly 2,400 admitted, never more than 240 in any minute', () => {
    let t = 0;
    const throttle = createQueryThrottle(QUERY_LIMITS.cloud, () => t);
    const admitted: number[] = [];
    const refusals: ThrottleDecision[] = [];
    // A client that asks every 100 ms for an hour: 36,000 attempts.
    for (t = 0; t < 3_600_000; t += 100) {
      const d = throttle.admit('key-a');
      if (d.ok) admitted.push(t);
      else refusals.push(d);
    }
    assert.equal(admitted.length, 2_400);
    for (let i = 240; i < admitted.length; i += 1)
      assert.ok(
        admitted[i]! - admitted[i - 240]! >= 60_000,
        `more than 240 in the minute before ${admitted[i]}`,
      );
    // The first 240 go in the first 24 s; after 10 minutes of 240/min the hour is spent.
    assert.equal(admitted[239], 23_900);
    assert.equal(admitted[2_399]! < 600_000, true);
    const hourly = refusals.filter((r) => !r.ok && r.window === 'hour');
    assert.ok(hourly.length > 0);
    // Right after the hourly quota is spent, the wait is most of the hour.
    const firstHourly = hourly[0]!;
    assert.ok(
      !firstHourly.ok && firstHourly.retryAfterSeconds >= 3_000 && firstHourly.retryAfterSeconds <= 3_600,
    );
  });

  test('Retry-After is the seconds until the full window frees a slot', () => {
    let t = 1_000_000;
    const throttle = createQueryThrottle({ perMinute: 2, perHour: Infinity }, () => t);
    assert.deepEqual([throttle.admit('key-a').ok, throttle.admit('key-a').ok], [true, true]);
    t += 10_500;
    assert.deepEqual(throttle.admit('key-a'), { ok: false, window: 'minute', retryAfterSeconds: 50 });
    // Refused queries are not logged: the wait does not grow by asking.
    assert.deepEqual(throttle.admit('key-a'), { ok: false, window: 'minute', retryAfterSeconds: 50 });
    t += 49_500;
    assert.deepEqual(throttle.admit('key-a'), { ok: true });
  });

  test('each personal key has its own windows; cloud-legacy allows 120 an hour with no minute window', () => {
    const t = 0;
    const throttle = createQueryThrottle(QUERY_LIMITS['cloud-legacy'], () => t);
    let first = 0;
    while (throttle.admit('key-a').ok) first += 1;
    assert.equal(first, 120);
    assert.equal(throttle.admit('key-b').ok, true);
  });

  test('none never refuses', () => {
    const throttle = createQueryThrottle(QUERY_LIMITS.none, () => 0);
    for (let i = 0; i < 10_000; i += 1) assert.equal(throttle.admit('key-a').ok, true);
  });

  test('overrides apply to one field and are checked', () => {
    assert.deepEqual(resolveQueryLimits('cloud', { perHour: 10 }), { ...QUERY_LIMITS.cloud, perHour: 10 });
    // 0 slots is an organisation over its API-queries quota: every query is held, then refused.
    assert.equal(resolveQueryLimits('cloud', { concurrent: 0 }).concurrent, 0);
    assert.throws(() => resolveQueryLimits('cloud', { concurrent: -1 }), { code: 'USAGE' });
    assert.throws(() => resolveQueryLimits('cloud', { perMinute: 0 }), { code: 'USAGE' });
    assert.throws(() => resolveQueryLimits('cloud', { perMinute: 1.5 }), { code: 'USAGE' });
  });
});
