// Negative latencies are clock skew: counted with the worst value, never recorded as 1 µs. Before
// this, toMicros clamped them and the percentiles read as if the target answered instantly.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import {
  LoadHistograms,
  latencyHistogram,
  mergeLoadHistograms,
  recordLatency,
} from '../../src/core/latency-histogram.js';
import { mergeSkew, NO_SKEW, SkewTally } from '../../src/core/skew-tally.js';
import { visibleLatency } from '../../src/measure/visible-latency.js';

describe('recordLatency', () => {
  it('records zero and positive values, and counts negative ones as skew with the worst', () => {
    const h = latencyHistogram();
    const skew = new SkewTally();
    recordLatency(h, skew, 12.5);
    recordLatency(h, skew, 0);
    recordLatency(h, skew, -3.25, 4);
    recordLatency(h, skew, -0.0004);
    recordLatency(h, skew, -7, 0); // no events: nothing
    assert.equal(h.totalCount, 2);
    assert.ok(Math.abs(h.maxValue - 12_500) <= 13, String(h.maxValue));
    assert.ok(h.minNonZeroValue <= 1); // the 0 ms value: within a microsecond, not skew
    assert.deepEqual(skew.figures(), { count: 5, worstMs: -3.25 });
  });

  it('merges tallies: counts add, the worst is the most negative', () => {
    assert.deepEqual(mergeSkew([NO_SKEW, { count: 2, worstMs: -1 }, { count: 1, worstMs: -9.5 }]), {
      count: 3,
      worstMs: -9.5,
    });
    assert.deepEqual(mergeSkew([NO_SKEW, NO_SKEW]), NO_SKEW);
  });
});

describe('skew on the load side', () => {
  it('keeps a negative ack or send delay out of the histograms and carries it through the merge', () => {
    const a = new LoadHistograms();
    a.recordAck(0, 5, 3);
    a.recordAck(1, -2, 2);
    a.recordSendDelay(0, -0.5, 1);
    const b = new LoadHistograms();
    b.recordAck(0, -4, 1);
    const merged = mergeLoadHistograms([a.encode(), b.encode()]);
    assert.equal(decodeFromCompressedBase64(merged.ack.all).totalCount, 3);
    assert.equal(decodeFromCompressedBase64(merged.sendDelay.all).totalCount, 0);
    assert.deepEqual(merged.skew, { ack: { count: 3, worstMs: -4 }, sendDelay: { count: 1, worstMs: -0.5 } });
  });
});

describe('skew in visible latency', () => {
  it('counts an event seen before its intended time as skew instead of a 1 µs latency', () => {
    const ledger = Ledger.allocate([3]);
    const shard = ledger.shard(0);
    for (let seq = 0; seq < 3; seq++) {
      shard.setIntended(seq, 1_000_000 + seq * 10);
      shard.flags[seq] = LedgerFlag.measured;
      shard.status[seq] = EventStatus.acknowledged;
      shard.setAck(seq, shard.intendedAt(seq) + 5);
    }
    shard.setVisible(0, shard.intendedAt(0) + 800);
    shard.setVisible(1, shard.intendedAt(1) - 120); // a poller clock 120 ms behind
    shard.setVisible(2, shard.intendedAt(2) - 30);
    const { histograms, skew } = visibleLatency(ledger);
    assert.equal(histograms.all.totalCount, 1);
    assert.ok(histograms.all.minNonZeroValue >= 799_000);
    assert.deepEqual(skew, { count: 2, worstMs: -120 });
  });
});
