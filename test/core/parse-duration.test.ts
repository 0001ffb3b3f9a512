import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { parseDuration, tryParseDuration } from '../../src/core/parse-duration.js';

describe('parseDuration', () => {
  it('reads every unit and compound forms', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h2m3s4ms'), 3_723_004);
    assert.equal(parseDuration('1.5s'), 1_500);
    assert.equal(parseDuration(' 10s '), 10_000);
    assert.equal(parseDuration('0s'), 0);
  });

  it('refuses text that is not a duration, naming the text', () => {
    for (const text of ['', '30', '5 m', '1x', '-5s', '30s1m', '1m1m', 'ms', '1.s']) {
      const result = tryParseDuration(text);
      assert.equal(result.ok, false, text);
      assert.ok(!result.ok && result.message.includes(`"${text}"`), `message names ${JSON.stringify(text)}`);
      assert.throws(
        () => parseDuration(text),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID',
      );
    }
  });

  it('says when a number has no unit and when units are out of order', () => {
    const noUnit = tryParseDuration('30');
    assert.ok(!noUnit.ok && noUnit.message.includes('has no unit'));
    const order = tryParseDuration('30s1m');
    assert.ok(!order.ok && order.message.includes('largest to smallest'));
  });
});
