// Per-class ingestion CPU does not follow the class mix. The cost meter's rule is checked here on a
// CPU clock the test drives (deterministic: a busy machine cannot move it); that the real code's
// identified ÷ anonymous ratio agrees between a 10/90 and a 90/10 mix is a timing figure, measured
// by `npm run bench -- class-mix` (on a loaded 2-core machine the two mixes' medians moved up to
// 1.3× apart in either direction, so no bound on it holds in a unit test).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClassCostMeter, type BatchCostMeter } from '../../../src/reference/ingest/class-cost.js';
import { anonymousEvent as anonymous, identifiedEvent as identified } from './class-mix-fixture.js';
import { storeFixture } from './store-fixture.js';

describe('per-class ingestion CPU', () => {
  it("charges each class its warm rate whatever the mix: cold first items and a slice's length do not move it", () => {
    // A CPU clock that advances only as the simulated work runs. An item costs its class's warm
    // rate (anonymous 10 µs, identified 14 µs) plus a cold cost that falls off over the first nine
    // items of a slice (90, 80, … 10 µs, as caches fill); the commit costs 2 µs a row. Timing a
    // slice's second half instead of the same positions in every slice made the small class dearer
    // (10/90: 14 ÷ 30 = 0.47, 90/10: 34 ÷ 10 = 3.4).
    let now = 0;
    const meter = createClassCostMeter(() => now);
    const slice = (batch: BatchCostMeter, eventClass: 'anonymous' | 'identified', n: number): void => {
      let k = 0;
      batch.slice(
        eventClass,
        'process',
        Array.from({ length: n }, (_, i) => i),
        () => {
          now += (eventClass === 'anonymous' ? 10 : 14) + Math.max(0, 90 - 10 * k++);
        },
      );
    };
    const ratioOf = (anonymousPerBatch: number): number => {
      const sum = { anonymous: 0, identified: 0 };
      let spent = 0;
      for (let b = 0; b < 20; b++) {
        const before = now;
        const batch = meter.begin();
        slice(batch, 'anonymous', anonymousPerBatch);
        slice(batch, 'identified', 100 - anonymousPerBatch);
        now += 2 * 100;
        const charged = batch.end({ anonymous: anonymousPerBatch, identified: 100 - anonymousPerBatch });
        sum.anonymous += charged.anonymous;
        sum.identified += charged.identified;
        spent += now - before;
      }
      // The charges add up to the CPU the batches took.
      assert.ok(
        Math.abs(sum.anonymous + sum.identified - spent) < 1e-6,
        `${anonymousPerBatch}: ${JSON.stringify(sum)} of ${spent}`,
      );
      return sum.identified / (100 - anonymousPerBatch) / (sum.anonymous / anonymousPerBatch);
    };
    // Both classes' slices are timed at items 5–9, each 20 µs over its warm rate: (14 + 20) ÷ (10 + 20).
    for (const mix of [10, 90])
      assert.ok(Math.abs(ratioOf(mix) - 34 / 30) < 1e-9, `${mix}/${100 - mix}: ${ratioOf(mix)}`);
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
    let now = 0;
    const meter = createClassCostMeter(() => now);
    // Warm rates: anonymous items cost 100 µs, identified 300 µs; the commit 2,000 µs.
    let last = { anonymous: 0, identified: 0 };
    for (let b = 0; b < 5; b++) {
      const batch = meter.begin();
      batch.slice('anonymous', 'process', [1, 2, 3, 4], () => (now += 100));
      batch.slice('identified', 'process', [1, 2, 3, 4], () => (now += 300));
      now += 2000; // the commit
      last = batch.end({ anonymous: 4, identified: 12 });
    }
    // Every item is charged at its class's warm rate; what is left, the commit's 2,000 µs, is
    // shared: a quarter to anonymous (4 of 16 rows), three quarters to identified. All of the
    // batch's 3,600 µs is charged.
    assert.deepEqual(last, { anonymous: 4 * 100 + 500, identified: 4 * 300 + 1500 });
  });

  it('charges uncounted items (force-upgraded events) to the class that did their work', () => {
    let now = 0;
    const meter = createClassCostMeter(() => now);
    let charged = { anonymous: 0, identified: 0 };
    for (let b = 0; b < 5; b++) {
      const batch = meter.begin();
      // Four personless events looked up, all four found force-upgraded: no anonymous row.
      batch.slice('anonymous', 'process', [1, 2, 3, 4], () => (now += 100));
      batch.uncount('anonymous', 'process', 4);
      batch.slice('identified', 'process', [1, 2, 3, 4], () => (now += 300));
      charged = batch.end({ anonymous: 0, identified: 4 });
    }
    // Their lookups (400 µs) joined the shared overhead, all of it identified's (every row).
    assert.deepEqual(charged, { anonymous: 0, identified: 4 * 300 + 400 });
  });
});
