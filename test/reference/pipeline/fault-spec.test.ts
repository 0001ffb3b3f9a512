import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestbenchError } from '../../../src/errors.js';
import { formatFaultSpec, NO_FAULTS, parseFaultSpec } from '../../../src/reference/pipeline/fault-spec.js';

test('parses every fault kind of the documented example', () => {
  const spec = parseFaultSpec('drop-after-ack=0.01,delay=2s,duplicate=0.001,reject=429:0.05,crash-every=30s');
  assert.deepEqual(spec, {
    dropAfterAck: 0.01,
    duplicate: 0.001,
    delayMs: 2000,
    reject: { status: 429, probability: 0.05 },
    crashEveryMs: 30_000,
    identifiedCostMicros: 0,
    seed: 1,
    quota: null,
    paused: false,
  });
});

test('pause alone stops ingestion and round-trips; it takes no value', () => {
  assert.equal(parseFaultSpec('pause').paused, true);
  assert.equal(parseFaultSpec('delay=1s, pause').paused, true);
  assert.equal(parseFaultSpec('delay=1s').paused, false);
  assert.equal(formatFaultSpec(parseFaultSpec('pause')), 'pause');
  assert.throws(() => parseFaultSpec('pause=1'), { code: 'USAGE' });
});

test('quota alone means every project; quota=ID+ID names projects', () => {
  assert.equal(parseFaultSpec('quota').quota, 'all');
  assert.equal(parseFaultSpec('delay=1s, quota').quota, 'all');
  assert.deepEqual(parseFaultSpec('quota=2').quota, [2]);
  assert.deepEqual(parseFaultSpec('quota=1+3+3').quota, [1, 3]);
  assert.equal(formatFaultSpec(parseFaultSpec('quota')), 'quota');
  assert.equal(formatFaultSpec(parseFaultSpec('quota=1+3')), 'quota=1+3');
  assert.throws(() => parseFaultSpec('quota=x'), { code: 'USAGE' });
  assert.throws(() => parseFaultSpec('quota=0'), { code: 'USAGE' });
});

test('durations take ms, s, m and h; blanks around parts are ignored', () => {
  assert.equal(parseFaultSpec(' delay = 250ms ').delayMs, 250);
  assert.equal(parseFaultSpec('delay=1.5s').delayMs, 1500);
  assert.equal(parseFaultSpec('delay=2m').delayMs, 120_000);
  assert.equal(parseFaultSpec('crash-every=1h').crashEveryMs, 3_600_000);
});

test('empty and "none" mean no faults', () => {
  assert.deepEqual(parseFaultSpec(''), NO_FAULTS);
  assert.deepEqual(parseFaultSpec('none'), NO_FAULTS);
});

test('format is the inverse of parse', () => {
  for (const source of [
    'none',
    'drop-after-ack=0.5',
    'reject=503:1,seed=42',
    'delay=2000ms,crash-every=500ms,duplicate=0.25',
  ]) {
    const spec = parseFaultSpec(source);
    assert.deepEqual(parseFaultSpec(formatFaultSpec(spec)), spec);
  }
  assert.equal(formatFaultSpec(parseFaultSpec('reject=503:1,seed=42')), 'reject=503:1,seed=42');
});

test('errors name the bad part and are USAGE errors', () => {
  const cases: [string, RegExp][] = [
    ['drop-after-ack=2', /"drop-after-ack=2".*fraction/],
    ['duplicate=abc', /"duplicate=abc"/],
    ['delay=2', /"delay=2".*duration/],
    ['reject=429', /"reject=429".*STATUS:P/],
    ['reject=200:0.1', /"200" is not an HTTP error status/],
    ['explode=1', /unknown fault "explode"/],
    ['delay=1s,delay=2s', /given twice/],
    ['drop-after-ack', /KIND=VALUE/],
    ['crash-every=10ms', /at least 100ms/],
  ];
  for (const [source, message] of cases) {
    assert.throws(
      () => parseFaultSpec(source),
      (error: unknown) =>
        error instanceof IngestbenchError && error.code === 'USAGE' && message.test(error.message),
      source,
    );
  }
});

test('identified-cost takes microseconds or a duration, and round-trips', () => {
  assert.equal(parseFaultSpec('identified-cost=200us').identifiedCostMicros, 200);
  assert.equal(parseFaultSpec('identified-cost=200µs').identifiedCostMicros, 200);
  assert.equal(parseFaultSpec('identified-cost=1ms').identifiedCostMicros, 1000);
  const spec = parseFaultSpec('identified-cost=350us,seed=3');
  assert.deepEqual(parseFaultSpec(formatFaultSpec(spec)), spec);
  for (const bad of ['identified-cost=-1us', 'identified-cost=2s', 'identified-cost=abc']) {
    assert.throws(() => parseFaultSpec(bad), /identified-cost/);
  }
});
