import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HogQLError } from '../../../src/reference/query/hogql-error.js';
import { formatHogQLTime, parseHogQLTime } from '../../../src/reference/query/hogql-time.js';
import { parseHogqlDateTime } from '../../../src/observe/hogql-literal.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('parseHogQLTime', () => {
  test('ISO 8601 and ClickHouse forms, UTC when no zone is given', () => {
    assert.equal(parseHogQLTime('2026-01-02T03:04:05.678Z'), T);
    assert.equal(parseHogQLTime('2026-01-02 03:04:05.678'), T);
    assert.equal(parseHogQLTime('2026-01-02T03:04:05.678000'), T);
    assert.equal(parseHogQLTime('2026-01-02 03:04:05'), T - 678);
    assert.equal(parseHogQLTime('2026-01-02T03:04'), T - 5678);
    assert.equal(parseHogQLTime('2026-01-02'), Date.UTC(2026, 0, 2));
    assert.equal(parseHogQLTime('  2026-01-02T03:04:05.678z  '), T);
  });

  test('offsets move the instant', () => {
    assert.equal(parseHogQLTime('2026-01-02T05:04:05.678+02:00'), T);
    assert.equal(parseHogQLTime('2026-01-02T01:34:05.678-0130'), T);
    assert.equal(parseHogQLTime('2026-01-02T04:04:05.678+01'), T);
  });

  test('microseconds are kept as a fraction of a millisecond; longer fractions are cut at µs', () => {
    assert.equal(parseHogQLTime('2026-01-02T03:04:05.678123Z'), T + 0.123);
    assert.equal(parseHogQLTime('2026-01-02T03:04:05.678123999Z'), T + 0.123);
    assert.equal(parseHogQLTime('2026-01-02T03:04:05.6Z'), T - 78);
  });

  test('impossible or unreadable times are refused with a hint', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-01-01T24:00:00',
      '2026-01-01T23:60',
      'yesterday',
      '1700000000',
      '0099-01-01',
      '',
    ]) {
      assert.throws(
        () => parseHogQLTime(bad, 12),
        (error: unknown) =>
          error instanceof HogQLError && error.position === 12 && /use ISO 8601/.test(error.message),
        bad,
      );
    }
  });
});

describe('formatHogQLTime', () => {
  test('Django REST framework’s rendering: microseconds when non-zero, Z for UTC', () => {
    assert.equal(formatHogQLTime(T), '2026-01-02T03:04:05.678000Z');
    assert.equal(formatHogQLTime(T - 678), '2026-01-02T03:04:05Z');
    assert.equal(formatHogQLTime(T + 0.123), '2026-01-02T03:04:05.678123Z');
    assert.equal(formatHogQLTime(Date.UTC(2026, 0, 2, 3, 4, 5, 999) + 0.9996), '2026-01-02T03:04:06Z');
    assert.equal(formatHogQLTime(0), '1970-01-01T00:00:00Z');
  });

  test('round-trips through the parser and through the poller’s cell parser', () => {
    for (const ms of [T, T - 678, Date.UTC(2030, 11, 31, 23, 59, 59, 1)]) {
      assert.equal(parseHogQLTime(formatHogQLTime(ms)), ms);
      assert.equal(parseHogqlDateTime(formatHogQLTime(ms)), ms);
    }
  });
});
