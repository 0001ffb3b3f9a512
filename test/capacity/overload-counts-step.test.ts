// A step offered twice what the target processes fails on its growing lag even when the SLA's
// bound is loose enough for the whole backlog to clear within the drain (every event visible,
// p99 under the bound): the over-report a short step used to make. Counts observation here, which
// keeps no per-event times: the trend comes from the per-second visible p50. The target spends
// ≥ 4 ms of CPU on each identified event (the identified-cost fault): at most 250/s.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CapacityFigures } from '../../src/verdict/capacity-types.js';
import { runCapacity } from '../../src/capacity/run-capacity.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../../src/targets/embedded-target.js';
import type { Target } from '../../src/targets/target.js';
import { shortScenarioText } from '../short-scenario.js';

let target: Target;
before(async () => {
  target = await startEmbeddedTarget({ fault: 'identified-cost=4000us' });
});
after(() => target.stop());

describe('a counts-observed step at twice what the target processes', () => {
  let capacity: CapacityFigures;
  before(async () => {
    const scenario = parseScenario(
      shortScenarioText({
        name: 'overload-counts',
        seed: 23,
        rate: 100,
        duration: '4s',
        populationSize: 400,
        pollInterval: '200ms',
        drainTimeout: '40s',
        method: 'counts',
        limits: 'self-hosted',
        sla: ['visible.p99 < 40s'],
      }),
      'overload-counts.yaml',
    );
    capacity = await runCapacity({
      scenario,
      target,
      classes: ['identified'],
      stepDurationMs: 4000,
      runId: `overload-counts-${process.pid}`,
      startRate: 500,
      maxRate: 500,
      maxSteps: 1,
      workers: 1,
    });
  });

  it('fails the target on the lag it added, though every event became visible within the bound', () => {
    const step = capacity.classes.identified!.steps[0]!;
    const why = JSON.stringify(step);
    assert.equal(step.pass, false, why);
    assert.equal(step.failedBy, 'target', why);
    // Nothing else failed it: all visible in time, p99 within 40 s.
    assert.equal(step.unseen, 0, why);
    assert.ok(step.visibleP99Ms !== null && step.visibleP99Ms < 40_000, why);
    // The lag growth is what failed it; a busy machine may add load-side reasons, never the
    // target's p99 or unseen events.
    assert.ok(
      step.reasons.some((r) => /^lag grew by .* across the step \(limit .*\)$/.test(r)),
      why,
    );
    assert.ok(!step.reasons.some((r) => /visible p99|not visible/.test(r)), why);
    // 2× over for 4 s adds about 4 s of lag (the fit on per-second p50s: well over a quarter of it).
    assert.ok(step.lagGrowthMs! > 1000, why);
    assert.equal(capacity.classes.identified!.sustainable, null);
  });
});
