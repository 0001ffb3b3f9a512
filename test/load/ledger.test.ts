import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  BYTES_PER_EVENT,
  Ledger,
  LEDGER_SPAN_MS,
  LedgerShard,
  onLedgerGrid,
  TICKS_PER_MS,
} from '../../src/load/ledger.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0) + 0.123456;

describe('Ledger', () => {
  it('holds at most 16 bytes per planned event (issue 7), counting every shared buffer', () => {
    assert.ok(BYTES_PER_EVENT <= 16, `${BYTES_PER_EVENT} bytes per event`);
    const ledger = Ledger.allocate([500_000, 500_001]);
    assert.equal(ledger.capacity, 1_000_001);
    const perEvent = ledger.byteLength / ledger.capacity;
    assert.ok(perEvent <= 16, `${perEvent} bytes per event`);
    assert.ok(perEvent >= BYTES_PER_EVENT, 'byteLength counts every buffer');
  });

  it('a fresh slot has no intended, ack or visible time', () => {
    const shard = LedgerShard.allocate(3);
    for (let seq = 0; seq < 3; seq++) {
      assert.ok(Number.isNaN(shard.intendedAt(seq)));
      assert.ok(Number.isNaN(shard.ackAt(seq)));
      assert.ok(Number.isNaN(shard.visibleAt(seq)));
      assert.ok(Number.isNaN(shard.visibleLatencyMs(seq)));
      assert.equal(shard.isVisible(seq), false);
    }
  });

  it('an intended time on the grid reads back exactly; one off it reads back rounded to 1/32 ms', () => {
    const shard = LedgerShard.allocate(4);
    const onGrid = onLedgerGrid(T0);
    assert.ok(Math.abs(onGrid - T0) <= 0.5 / TICKS_PER_MS);
    shard.setIntended(0, onGrid);
    assert.equal(shard.intendedAt(0), onGrid);
    // Out of seq order and before the first one (within the epoch's hour of lead): still exact.
    shard.setIntended(1, onLedgerGrid(T0 - 1234.5678));
    assert.equal(shard.intendedAt(1), onLedgerGrid(T0 - 1234.5678));
    shard.setIntended(2, T0 + 10.01);
    assert.equal(shard.intendedAt(2), onLedgerGrid(T0 + 10.01));
    // Thirty-odd hours later, still exact.
    const late = onLedgerGrid(T0 + 30 * 3_600_000 + 0.5);
    shard.setIntended(3, late);
    assert.equal(shard.intendedAt(3), late);
  });

  it('ack and visible keep latencies from microseconds to a day within Float32 precision, skew included', () => {
    const latencies = [0.004, 0.75, 3, 1_500.25, 61_000.5, 3_600_000, 86_400_000, -120.5];
    const shard = LedgerShard.allocate(latencies.length);
    latencies.forEach((latency, seq) => {
      const intended = onLedgerGrid(T0 + seq * 1000);
      shard.setIntended(seq, intended);
      shard.setAck(seq, intended + latency / 2);
      shard.setVisible(seq, intended + latency);
    });
    latencies.forEach((latency, seq) => {
      const intended = shard.intendedAt(seq);
      // Float32 keeps 24 bits: relative error ≤ 2^-24, plus the rounding of a unix-ms float64
      // itself (its last bit is 2^-12 ms today), once on the way in and once on the way out.
      const bound = Math.abs(latency) * 2 ** -24 + 2 ** -11;
      const visible = shard.visibleAt(seq) - intended;
      const ack = shard.ackAt(seq) - intended;
      assert.ok(Math.abs(visible - latency) <= bound, `visible ${visible} for ${latency}`);
      assert.ok(Math.abs(ack - latency / 2) <= bound, `ack ${ack} for ${latency / 2}`);
      // As stored, without the round trip through unix ms: Float32's error alone.
      const stored = shard.visibleLatencyMs(seq);
      assert.ok(Math.abs(stored - latency) <= Math.abs(latency) * 2 ** -24 + 2 ** -11, `${stored}`);
      assert.equal(shard.isVisible(seq), true);
    });
  });

  it('refuses an ack or visible time for a slot that was never planned', () => {
    const shard = LedgerShard.allocate(2);
    assert.throws(() => shard.setAck(1, T0), /slot 1 has no intended time/);
    assert.throws(() => shard.setVisible(0, T0), /slot 0 has no intended time/);
  });

  it('refuses an intended time outside its span and says to count instead', () => {
    const shard = LedgerShard.allocate(3);
    shard.setIntended(0, T0);
    assert.throws(
      () => shard.setIntended(1, T0 + LEDGER_SPAN_MS + 3_600_000),
      /outside this ledger's span.*counts/,
    );
    assert.throws(() => shard.setIntended(2, T0 - 3 * 3_600_000), /outside this ledger's span/);
    assert.ok(LEDGER_SPAN_MS >= 36 * 3_600_000, `${LEDGER_SPAN_MS} ms`);
    shard.setIntended(1, T0 + LEDGER_SPAN_MS - 1);
    assert.equal(shard.intendedAt(1), onLedgerGrid(T0 + LEDGER_SPAN_MS - 1));
  });

  it('a worker thread writing through the shared buffers is read back on this thread', async () => {
    const shard = LedgerShard.allocate(100);
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ LedgerShard }) => {
        const shard = new LedgerShard(workerData.buffers);
        for (let seq = 0; seq < 100; seq++) {
          shard.setIntended(seq, workerData.t0 + seq * 10);
          shard.status[seq] = 2;
          shard.setAck(seq, workerData.t0 + seq * 10 + 7.5);
        }
        parentPort.postMessage('done');
      });`;
    const worker = new Worker(source, {
      eval: true,
      workerData: {
        buffers: shard.buffers,
        t0: onLedgerGrid(T0),
        module: new URL('../../src/load/ledger.js', import.meta.url).href,
      },
    });
    const message = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.equal(message, 'done');
    for (let seq = 0; seq < 100; seq++) {
      assert.equal(shard.intendedAt(seq), onLedgerGrid(T0) + seq * 10);
      assert.equal(shard.ackAt(seq) - shard.intendedAt(seq), 7.5);
      assert.equal(shard.status[seq], 2);
    }
  });
});
