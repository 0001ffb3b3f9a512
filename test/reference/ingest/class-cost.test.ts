// Per-class ingestion CPU does not follow the class mix: the identified ÷ anonymous CPU ratio of a
// 10/90 mix and of a 90/10 mix agree within 15 %. Each class's per-event work is the same in both
// mixes (every distinct id sends two events), only the mix changes. CPU time, not wall time, with
// tens of thousands of events per mix, rounds interleaved and their medians compared, so a busy
// neighbour on a shared machine moves both mixes alike.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import { createClassCostMeter } from '../../../src/reference/ingest/class-cost.js';
import { captured } from './captured-event-fixture.js';
import { storeFixture } from './store-fixture.js';

let anonymousSeq = 0;
let identifiedSeq = 0;
const anonymous = (): CapturedEvent => {
  const i = anonymousSeq++;
  return captured({
    distinctId: `anon-${i >> 1}`,
    properties: { $process_person_profile: false, $current_url: `https://example.com/p/${i}` },
  });
};
const identified = (): CapturedEvent => {
  const i = identifiedSeq++;
  return captured({
    event: 'report viewed',
    distinctId: `user-${i >> 1}`,
    properties: { $set: { plan: 'free', n: i } },
  });
};

/** identified ÷ anonymous CPU per event over `batches` batches of 100 with `anonymousShare` of them anonymous. */
function cpuRatio(anonymousPerBatch: number, batches = 250): number {
  const { processor } = storeFixture();
  const cpu = { anonymous: 0, identified: 0 };
  const events = { anonymous: 0, identified: 0 };
  for (let b = 0; b < batches; b++) {
    const batch = [
      ...Array.from({ length: anonymousPerBatch }, anonymous),
      ...Array.from({ length: 100 - anonymousPerBatch }, identified),
    ];
    const outcome = processor.process(batch);
    cpu.anonymous += outcome.cpuMicros.anonymous;
    cpu.identified += outcome.cpuMicros.identified;
    events.anonymous += outcome.ingested.anonymous;
    events.identified += outcome.ingested.identified;
  }
  assert.deepEqual(events, {
    anonymous: anonymousPerBatch * batches,
    identified: (100 - anonymousPerBatch) * batches,
  });
  return cpu.identified / events.identified / (cpu.anonymous / events.anonymous);
}

/** Spends `micros` of CPU time (not wall time), so a busy machine does not shorten it. */
const burn = (micros: number): void => {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= micros) return;
  }
};

const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1]!;

describe('per-class ingestion CPU', () => {
  it('gives the same identified/anonymous ratio for a 10/90 and a 90/10 mix (within 15 %)', () => {
    cpuRatio(50, 100); // JIT warm-up, for neither mix to pay
    const tenNinety: number[] = [];
    const ninetyTen: number[] = [];
    for (let round = 0; round < 5; round++) {
      tenNinety.push(cpuRatio(10));
      ninetyTen.push(cpuRatio(90));
    }
    const a = median(tenNinety);
    const b = median(ninetyTen);
    const detail = `10/90: ${tenNinety.map((r) => r.toFixed(2)).join(' ')}; 90/10: ${ninetyTen.map((r) => r.toFixed(2)).join(' ')}`;
    assert.ok(Math.max(a, b) / Math.min(a, b) <= 1.15, detail);
  });

  it("charges a batch's CPU to the classes in it and nothing to an absent class", () => {
    const { processor } = storeFixture();
    for (let b = 0; b < 20; b++) {
      const onlyAnonymous = processor.process(Array.from({ length: 20 }, anonymous));
      assert.equal(onlyAnonymous.cpuMicros.identified, 0);
      assert.ok(onlyAnonymous.cpuMicros.anonymous > 0);
      const onlyIdentified = processor.process(Array.from({ length: 20 }, identified));
      assert.equal(onlyIdentified.cpuMicros.anonymous, 0);
      assert.ok(onlyIdentified.cpuMicros.identified > 0);
    }
  });

  it('adds up to the CPU the batch took, shared overhead apportioned by rows written', () => {
    const meter = createClassCostMeter();
    // Warm rates: anonymous items cost ~100 µs, identified ~300 µs.
    let last = { anonymous: 0, identified: 0 };
    let total = 0;
    for (let b = 0; b < 5; b++) {
      const start = process.cpuUsage();
      const batch = meter.begin();
      batch.slice('anonymous', 'process', [1, 2, 3, 4], () => burn(100));
      batch.slice('identified', 'process', [1, 2, 3, 4], () => burn(300));
      burn(2000); // the commit
      last = batch.end({ anonymous: 4, identified: 12 });
      const used = process.cpuUsage(start);
      total = used.user + used.system;
    }
    const charged = last.anonymous + last.identified;
    // end() reads the clock a moment before the test does.
    assert.ok(charged <= total && charged >= total * 0.9, `${charged} of ${total}`);
    // Every item is charged at its class's warm rate; what is left, the commit's ~2,000 µs, is
    // shared: a quarter to anonymous (4 of 16 rows), three quarters to identified.
    assert.ok(last.anonymous >= 4 * 100 + 400 && last.anonymous <= 4 * 100 + 800, JSON.stringify(last));
    assert.ok(last.identified >= 4 * 300 + 1300, JSON.stringify(last));
  });

  it('charges uncounted items (force-upgraded events) to the class that did their work', () => {
    const meter = createClassCostMeter();
    let charged = { anonymous: 0, identified: 0 };
    for (let b = 0; b < 5; b++) {
      const batch = meter.begin();
      // Four personless events looked up, all four found force-upgraded: no anonymous row.
      batch.slice('anonymous', 'process', [1, 2, 3, 4], () => burn(100));
      batch.uncount('anonymous', 'process', 4);
      batch.slice('identified', 'process', [1, 2, 3, 4], () => burn(300));
      charged = batch.end({ anonymous: 0, identified: 4 });
    }
    assert.equal(charged.anonymous, 0, JSON.stringify(charged));
    // Their lookups (~400 µs) joined the shared overhead, all of it identified's (every row).
    assert.ok(charged.identified >= 4 * 300 + 400, JSON.stringify(charged));
  });
});
