// runCapacity's live hook: a `step` event per step as it finishes, in the order the steps ran,
// and the hook handed to every step's run (so its seconds reach the dashboard).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCapacity } from '../../src/capacity/run-capacity.js';
import type { StepSettings } from '../../src/capacity/run-capacity-step.js';
import type { LiveEvent } from '../../src/live/live-event.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import type { Target } from '../../src/targets/target.js';
import { shortScenarioText } from '../short-scenario.js';
import { fakeStepRunner } from './capacity-fixture.js';

describe('runCapacity onLive', () => {
  it('emits each step as it finishes and hands the hook to every step run', async () => {
    const scenario = parseScenario(
      shortScenarioText({
        name: 'cap',
        seed: 1,
        rate: 100,
        duration: '3s',
        populationSize: 100,
        pollInterval: '250ms',
        drainTimeout: '5s',
        sla: ['visible.p99 < 10s'],
      }),
      'cap.yaml',
    );
    const fake = fakeStepRunner(400);
    const live: LiveEvent[] = [];
    const onLive = (e: LiveEvent): void => void live.push(e);
    const hooks: unknown[] = [];
    const figures = await runCapacity({
      scenario,
      // The fake step runner never touches the target.
      target: {} as Target,
      classes: ['anonymous'],
      stepDurationMs: 3000,
      runId: 'cap-live',
      maxRate: 10_000,
      onLive,
      runStep: (settings: StepSettings, rate) => {
        hooks.push(settings.onLive);
        return fake.run(rate);
      },
    });
    const steps = live.flatMap((e) => (e.type === 'step' ? [e] : []));
    assert.deepEqual(
      steps.map((s) => s.step.rate),
      fake.rates,
    );
    assert.ok(steps.every((s) => s.eventClass === 'anonymous'));
    assert.ok(hooks.length === fake.rates.length && hooks.every((h) => h === onLive));
    assert.equal(figures.classes.anonymous?.steps.length, steps.length);
  });
});
