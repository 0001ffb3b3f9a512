import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchCapacity } from '../../src/capacity/search-capacity.js';
import { IngestbenchError } from '../../src/errors.js';
import { fakeStepRunner } from './capacity-fixture.js';

describe('searchCapacity', () => {
  it('ramps, then bisects until the knee lies within one step', async () => {
    for (const knee of [137, 950, 1000, 4321, 20_000]) {
      const fake = fakeStepRunner(knee);
      const result = await searchCapacity(fake.run, { startRate: 100, ceiling: 100_000, resolution: 0.1 });
      assert.equal(result.limitedBy, 'target', `knee ${knee}`);
      assert.equal(result.resolved, true, `knee ${knee}`);
      assert.ok(
        result.sustainable! <= knee && knee < result.failedAt!,
        `knee ${knee}: ${JSON.stringify(result)}`,
      );
      assert.ok(
        result.failedAt! <= result.sustainable! * 1.1 + 1,
        `knee ${knee}: ${result.sustainable}..${result.failedAt}`,
      );
      // Ramp: doubling from 100 until the first failure.
      const firstFail = fake.rates.findIndex((r) => r > knee);
      assert.deepEqual(
        fake.rates.slice(0, firstFail + 1),
        Array.from({ length: firstFail + 1 }, (_, i) => 100 * 2 ** i),
      );
      assert.equal(result.steps.length, fake.rates.length);
    }
  });

  it('ramps down when the first step already fails', async () => {
    const fake = fakeStepRunner(30);
    const result = await searchCapacity(fake.run, { startRate: 100, ceiling: 10_000, resolution: 0.25 });
    assert.deepEqual(fake.rates.slice(0, 3), [100, 50, 25]);
    assert.equal(result.limitedBy, 'target');
    assert.ok(result.sustainable! <= 30 && result.failedAt! > 30);
    assert.ok(result.failedAt! <= result.sustainable! * 1.25 + 1);
  });

  it('reports a capacity above the ceiling as "at least" the ceiling, limited by the generator', async () => {
    const fake = fakeStepRunner(50_000);
    const result = await searchCapacity(fake.run, { startRate: 100, ceiling: 3000 });
    assert.deepEqual(fake.rates, [100, 200, 400, 800, 1600, 3000]);
    assert.equal(result.limitedBy, 'generator');
    assert.equal(result.sustainable, 3000);
    assert.equal(result.failedAt, null);
    assert.ok(Math.max(...fake.rates) <= 3000, 'never offers more than the generator can send');
  });

  it('searches down to what the generator can send when it fails below the ceiling it was given', async () => {
    const fake = fakeStepRunner(50_000, 1000);
    const result = await searchCapacity(fake.run, { startRate: 100, ceiling: 100_000, resolution: 0.1 });
    // 1600 is tried twice: a generator failure gets one more chance.
    assert.deepEqual(fake.rates.slice(0, 6), [100, 200, 400, 800, 1600, 1600]);
    assert.equal(result.limitedBy, 'generator');
    assert.equal(result.failedAt, null, 'the target never failed');
    assert.ok(
      result.sustainable! <= 1000 && result.sustainable! >= 1000 / 1.1 - 1,
      String(result.sustainable),
    );
  });

  it('ramps down from a generator failure at the first step', async () => {
    const fake = fakeStepRunner(50_000, 300);
    const result = await searchCapacity(fake.run, { startRate: 1000, ceiling: 100_000, resolution: 0.2 });
    assert.deepEqual(fake.rates.slice(0, 4), [1000, 1000, 500, 500]);
    assert.equal(result.limitedBy, 'generator');
    assert.ok(result.sustainable! <= 300 && result.sustainable! >= 250 - 1, String(result.sustainable));
  });

  it('is target-limited when the target fails below where the generator did', async () => {
    const fake = fakeStepRunner(700, 1000);
    const result = await searchCapacity(fake.run, { startRate: 100, ceiling: 100_000, resolution: 0.1 });
    assert.equal(result.limitedBy, 'target');
    assert.ok(result.sustainable! <= 700 && result.failedAt! > 700);
  });

  it('retries a step the generator failed once, and goes on when it passes the second time', async () => {
    const fake = fakeStepRunner(1000);
    let hiccup = true;
    const result = await searchCapacity(
      async (rate) => {
        const step = await fake.run(rate);
        if (rate !== 400 || !hiccup) return step;
        hiccup = false;
        return { ...step, pass: false, failedBy: 'generator', reasons: ['send delay'] };
      },
      { startRate: 100, ceiling: 100_000, resolution: 0.1 },
    );
    assert.deepEqual(fake.rates.slice(0, 6), [100, 200, 400, 400, 800, 1600]);
    assert.equal(result.limitedBy, 'target');
    assert.ok(result.sustainable! <= 1000 && result.failedAt! > 1000);
  });

  it('stops after maxSteps and says the knee is not resolved', async () => {
    const fake = fakeStepRunner(1000);
    const result = await searchCapacity(fake.run, {
      startRate: 100,
      ceiling: 100_000,
      maxSteps: 5,
      resolution: 0.01,
    });
    assert.equal(fake.rates.length, 5);
    assert.equal(result.resolved, false);
    assert.equal(result.limitedBy, 'target');
  });

  it('refuses nonsense options with USAGE', async () => {
    await assert.rejects(
      searchCapacity(fakeStepRunner(1).run, { startRate: 100, ceiling: 1000, growth: 1 }),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
    );
  });
});
