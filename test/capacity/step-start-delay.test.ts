import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StepStartDelay } from '../../src/capacity/step-start-delay.js';
import { DEFAULT_START_DELAY_MS } from '../../src/run/plan-run.js';

test('a capacity step starts beyond the start-up the step before it measured, with a margin', () => {
  const delay = new StepStartDelay();
  // Before any step: a guess of 3 s from planning to ready, planned 1.5x beyond plus 250 ms.
  const first = delay.next();
  assert.equal(first, 4750);
  // Planned at t=10,000, so the load started at 14,750; its workers were ready at 15,900: 5.9 s
  // after planning (late by 1.15 s).
  delay.measured(10_000 + first, 15_900);
  const second = delay.next();
  assert.equal(second, Math.ceil(1.5 * 5900 + 250));
  // A quick start-up (0.2 s after planning) never plans earlier than a single run does.
  delay.measured(50_000 + second, 50_200);
  assert.equal(delay.next(), DEFAULT_START_DELAY_MS);
  // No worker ready (NaN) keeps the last figure.
  delay.measured(90_000, Number.NaN);
  assert.equal(delay.next(), DEFAULT_START_DELAY_MS);
  // A start-up past all reason is not planned around: its lateness shows.
  delay.measured(100_000 + DEFAULT_START_DELAY_MS, 100_000 + 60_000);
  assert.equal(delay.next(), 20_000);
});
