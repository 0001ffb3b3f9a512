import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { ledgerTimeline, timelineSecond } from '../../src/measure/lag-timeline.js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';

const T0 = 1_800_000_000_000;
const near = (actual: number | null, expected: number): boolean =>
  actual !== null && Math.abs(actual - expected) <= expected * 0.001 + 0.001;

describe('timelineSecond', () => {
  it('takes per-class counts and a histogram per class, as a per-bucket mode would hand them', () => {
    const anonymous = latencyHistogram();
    for (let ms = 1; ms <= 100; ms++) anonymous.recordValue(ms * 1000);
    const second = timelineSecond(
      7,
      { sent: 150, acknowledged: 140, visible: 120, errors: 2 },
      {
        anonymous: { sent: 100, acknowledged: 100, visible: 100, latency: anonymous },
        identified: { sent: 50, acknowledged: 40, visible: 20, latency: null },
      },
    );
    assert.equal(second.second, 7);
    assert.deepEqual([second.sent, second.acknowledged, second.visible, second.errors], [150, 140, 120, 2]);
    assert.equal(second.classes.anonymous.latencyCount, 100);
    assert.ok(near(second.classes.anonymous.visibleP50, 50), String(second.classes.anonymous.visibleP50));
    assert.ok(near(second.classes.anonymous.visibleP99, 99), String(second.classes.anonymous.visibleP99));
    assert.deepEqual(second.classes.identified, {
      sent: 50,
      acknowledged: 40,
      visible: 20,
      visibleP50: null,
      visibleP99: null,
      latencyCount: 0,
    });
  });
});

describe('ledgerTimeline', () => {
  it('buckets latency by intended second across shards, counts by when each thing happened', () => {
    // Two workers interleaved at 250 ms; every event acked 100 ms after its intended time.
    // Worker 1's events are identified. Latency grows 100 ms per second of the run.
    const ledger = Ledger.allocate([8, 8]);
    ledger.shards.forEach((shard, worker) => {
      for (let seq = 0; seq < 8; seq++) {
        const intended = T0 + seq * 500 + worker * 250;
        shard.setIntended(seq, intended);
        shard.flags[seq] = (worker === 1 ? LedgerFlag.identified : 0) | LedgerFlag.measured;
        shard.status[seq] = seq === 7 ? EventStatus.dropped : EventStatus.acknowledged;
        if (seq === 7) continue;
        shard.setAck(seq, intended + 100);
        const second = Math.floor((intended - T0) / 1000);
        if (!(worker === 0 && seq === 3)) shard.setVisible(seq, intended + 1000 + 100 * second);
      }
    });
    const load = [
      { second: 0, sent: 4, acknowledged: 4, errors: 0 },
      { second: 2, sent: 4, acknowledged: 4, errors: 1 },
    ];
    const timeline = ledgerTimeline(ledger, T0, load);
    // Visible latest: intended 3.25 s + 1.3 s → second 4.
    assert.equal(timeline.length, 5);
    assert.deepEqual(
      timeline.map((s) => [s.sent, s.acknowledged, s.errors]),
      [
        [4, 4, 0],
        [0, 0, 0],
        [4, 4, 1],
        [0, 0, 0],
        [0, 0, 0],
      ],
    );
    // Anonymous: sent seq 0…6 at 0, 0.5, …, 3 s: 2 a second, 1 in second 3.
    assert.deepEqual(
      timeline.map((s) => s.classes.anonymous.sent),
      [2, 2, 2, 1, 0],
    );
    assert.deepEqual(
      timeline.map((s) => s.classes.identified.acknowledged),
      [2, 2, 2, 1, 0], // acked at 0.35, 0.85, 1.35, … (intended + 100 ms)
    );
    // Seq 3 of worker 0 (intended 1.5 s) never seen: second 1 has one anonymous latency.
    assert.deepEqual(
      timeline.map((s) => s.classes.anonymous.latencyCount),
      [2, 1, 2, 1, 0],
    );
    assert.ok(near(timeline[0]!.classes.anonymous.visibleP50, 1000));
    assert.ok(near(timeline[2]!.classes.identified.visibleP99, 1200));
    assert.ok(near(timeline[3]!.classes.identified.visibleP50, 1300));
    assert.equal(timeline[4]!.classes.identified.visibleP50, null);
    const visible = timeline.reduce((n, s) => n + s.visible, 0);
    assert.equal(visible, 13); // 14 acked, one never seen
    assert.equal(
      visible,
      timeline.reduce((n, s) => n + s.classes.anonymous.visible + s.classes.identified.visible, 0),
    );
  });
});
