import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import {
  HIGHEST_MICROS,
  LoadHistograms,
  mergeLoadHistograms,
  toMicros,
} from '../../src/core/latency-histogram.js';

describe('LoadHistograms', () => {
  it('records µs per class, derives all, and merges encoded histograms losslessly', () => {
    const a = new LoadHistograms();
    a.recordAck(0, 1.5); // 1500 µs
    a.recordAck(1, 20);
    a.recordSendDelay(0, 0.25, 100);
    const b = new LoadHistograms();
    b.recordAck(1, 20);
    const merged = mergeLoadHistograms([a.encode(), b.encode()]);
    const ack = (key: 'all' | 'anonymous' | 'identified') => decodeFromCompressedBase64(merged.ack[key]);
    assert.equal(ack('all').totalCount, 3);
    assert.equal(ack('anonymous').totalCount, 1);
    assert.equal(ack('identified').totalCount, 2);
    assert.ok(Math.abs(ack('anonymous').maxValue - 1500) <= 1);
    assert.ok(Math.abs(ack('identified').getValueAtPercentile(50) - 20_000) <= 20);
    const delay = decodeFromCompressedBase64(merged.sendDelay.all);
    assert.equal(delay.totalCount, 100);
    assert.ok(Math.abs(delay.getValueAtPercentile(99) - 250) <= 1);
  });

  it('records a run of acks with one latency as one value with a count', () => {
    const h = new LoadHistograms();
    h.recordAck(1, 2, 100);
    h.recordAck(0, 3, 0);
    const ack = decodeFromCompressedBase64(h.encode().ack.identified);
    assert.equal(ack.totalCount, 100);
    assert.ok(Math.abs(ack.getValueAtPercentile(1) - 2000) <= 2);
    assert.equal(decodeFromCompressedBase64(h.encode().ack.anonymous).totalCount, 0);
  });

  it('records latencies of a day and more as themselves (an hour was the cap before)', () => {
    const h = new LoadHistograms();
    const hours = (n: number): number => n * 3_600_000;
    h.recordAck(0, hours(2));
    h.recordAck(0, hours(25));
    h.recordAck(1, hours(24 * 6));
    const ack = decodeFromCompressedBase64(h.encode().ack.all);
    assert.equal(ack.totalCount, 3);
    // 3 significant digits: within 0.1 % of the recorded value.
    const near = (value: number, ms: number): boolean => Math.abs(value - ms * 1000) <= ms * 1000 * 1e-3;
    assert.ok(near(ack.getValueAtPercentile(30), hours(2)), `${ack.getValueAtPercentile(30)}`);
    assert.ok(near(ack.getValueAtPercentile(60), hours(25)), `${ack.getValueAtPercentile(60)}`);
    assert.ok(near(ack.maxValue, hours(24 * 6)), `${ack.maxValue}`);
  });

  it('clamps to the trackable range', () => {
    assert.ok(HIGHEST_MICROS >= 24 * 3_600_000_000);
    assert.equal(toMicros(-3), 1);
    assert.equal(toMicros(1e12), HIGHEST_MICROS);
    assert.equal(toMicros(0.0004), 1);
  });
});
