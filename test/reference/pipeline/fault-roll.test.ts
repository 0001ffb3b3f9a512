import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultRoll, seededRandom } from '../../../src/reference/pipeline/fault-roll.js';

const uuid = (i: number): string => `0190f0e0-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;

test('a roll is fixed by seed, kind and uuid, and changes with each', () => {
  const a = faultRoll(7, 'drop-after-ack', uuid(1));
  assert.equal(faultRoll(7, 'drop-after-ack', uuid(1)), a);
  assert.notEqual(faultRoll(8, 'drop-after-ack', uuid(1)), a);
  assert.notEqual(faultRoll(7, 'duplicate', uuid(1)), a);
  assert.notEqual(faultRoll(7, 'drop-after-ack', uuid(2)), a);
});

test('rolls over sequential uuids are spread evenly over [0, 1)', () => {
  const n = 20_000;
  let below = 0;
  let min = 1;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const r = faultRoll(1, 'drop-after-ack', uuid(i));
    if (r < 0.1) below++;
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  // 10 % ± 5 standard deviations of a binomial(20000, 0.1).
  assert.ok(Math.abs(below - 2000) < 5 * Math.sqrt(n * 0.1 * 0.9), `${below} of ${n} below 0.1`);
  assert.ok(min >= 0 && min < 0.001 && max < 1 && max > 0.999);
});

test('seededRandom repeats its sequence for the same seed', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const c = seededRandom(43);
  const sa = [a(), a(), a()];
  assert.deepEqual([b(), b(), b()], sa);
  assert.notDeepEqual([c(), c(), c()], sa);
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});
