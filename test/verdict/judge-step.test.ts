import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepCriteria } from '../../src/verdict/capacity-types.js';
import { DEFAULT_CRITERIA, judgeStep } from '../../src/verdict/judge-step.js';
import { measurement } from '../capacity/capacity-fixture.js';

const criteria: StepCriteria = { ...DEFAULT_CRITERIA, visibleP99Ms: 5000 };

describe('judgeStep', () => {
  it('passes a healthy step', () => {
    assert.deepEqual(judgeStep(measurement(1000), criteria), { pass: true, failedBy: null, reasons: [] });
  });

  it('fails the target on p99, growing lag, errors and unseen events', () => {
    for (const overrides of [
      { visibleP99Ms: 6000 },
      // 3 s step: the limit is max(2 × 250 ms, 10 % × 3 s) = 500 ms.
      { lagGrowthMs: 501 },
      { errors: 10 },
      { unseen: 100, visible: 2900 },
      { visibleP99Ms: null, visible: 0 },
    ]) {
      const verdict = judgeStep(measurement(1000, overrides), criteria);
      assert.equal(verdict.pass, false, JSON.stringify(overrides));
      assert.equal(verdict.failedBy, 'target', JSON.stringify(overrides));
      assert.equal(verdict.reasons.length, 1, JSON.stringify(verdict));
    }
    assert.equal(judgeStep(measurement(1000, { lagGrowthMs: 499 }), criteria).pass, true);
  });

  it('fails the generator when the load lags while capture answers promptly', () => {
    for (const overrides of [{ dropped: 5 }, { sendDelayP99Ms: 900 }, { achievedRate: 800 }]) {
      const verdict = judgeStep(measurement(1000, overrides), criteria);
      assert.deepEqual([verdict.pass, verdict.failedBy], [false, 'generator'], JSON.stringify(overrides));
    }
  });

  it('blames the generator when ack is late only by the send delay', () => {
    const verdict = judgeStep(measurement(1000, { sendDelayP99Ms: 3000, ackP99Ms: 3100 }), criteria);
    assert.equal(verdict.failedBy, 'generator');
  });

  it('blames the target when the load lags because capture answers slowly', () => {
    const verdict = judgeStep(measurement(1000, { dropped: 5, ackP99Ms: 4000 }), criteria);
    assert.equal(verdict.failedBy, 'target');
    assert.match(verdict.reasons[0]!, /held the load back/);
  });

  it('blames the target for drops at the in-flight cap when answers near the time that fills it', () => {
    // 128 requests of 10 events in flight at 2,000/s: answers of 640 ms fill the cap.
    const slow = judgeStep(
      measurement(2000, { dropped: 170, ackP99Ms: 400, inFlightBoundMs: 640 }),
      criteria,
    );
    assert.deepEqual([slow.pass, slow.failedBy], [false, 'target'], JSON.stringify(slow));
    assert.match(slow.reasons[0]!, /fill the in-flight cap/);
    // Prompt answers: the drops are the load side's (a starved sender, a burst).
    const prompt = judgeStep(
      measurement(2000, { dropped: 170, ackP99Ms: 60, inFlightBoundMs: 640 }),
      criteria,
    );
    assert.equal(prompt.failedBy, 'generator', JSON.stringify(prompt));
    // Slow answers without drops: nothing held back.
    assert.equal(judgeStep(measurement(2000, { ackP99Ms: 400, inFlightBoundMs: 640 }), criteria).pass, true);
  });
});
