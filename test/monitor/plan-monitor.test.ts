import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeWindow, planMonitorSla, windowLookup } from '../../src/monitor/monitor-sla.js';
import type { WindowOutcome } from '../../src/monitor/monitor-ledger.js';
import { describeMonitorPlan, planMonitor } from '../../src/monitor/plan-monitor.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { parseSlaExpression } from '../../src/scenario/parse-sla.js';
import { shortScenarioText } from '../short-scenario.js';

const scenario = parseScenario(
  shortScenarioText({
    name: 'plan',
    seed: 1,
    rate: 10,
    duration: '10s',
    populationSize: 100,
    pollInterval: '1s',
    drainTimeout: '10s',
    sla: ['visible.p99 < 30s', 'identified.visible.p50 < 45s', 'lost == 0', 'duplicates == 0'],
  }),
  '<inline>',
);

describe('planMonitor', () => {
  it('takes a share of the key budget and polls as often as it allows', () => {
    const plan = planMonitor(scenario);
    assert.deepEqual(plan.limits, { perMinute: 24, perHour: 240, concurrent: 1 });
    assert.equal(plan.pollIntervalMs, 15_000);
    assert.equal(planMonitor(scenario, { queryShare: 0.5 }).pollIntervalMs, 3_000);
    // Never below the scenario's poll interval, never a share rounded down to nothing.
    assert.equal(planMonitor(scenario, { queryShare: 1 }).pollIntervalMs, 1_500);
    assert.equal(planMonitor(scenario, { queryShare: 0.0001 }).limits.perHour, 1);
    assert.throws(() => planMonitor(scenario, { queryShare: 1.5 }), { code: 'USAGE' });
    assert.throws(() => planMonitor(scenario, { ratePerClass: 0 }), { code: 'USAGE' });
    const line = describeMonitorPlan(plan, scenario);
    assert.match(line, /240\/h and 24\/min at most: 10 % of the key's 2400\/h/);
    assert.match(line, /not judged by a monitor: duplicates == 0/);
  });

  it('takes the loosest visible bound as the deadline, or --deadline, or 5 minutes', () => {
    const sla = planMonitorSla(scenario.sla);
    assert.equal(sla.deadlineMs, 45_000);
    assert.deepEqual(sla.skipped, ['duplicates == 0']);
    assert.equal(planMonitorSla(scenario.sla, 2_000).deadlineMs, 2_000);
    assert.equal(planMonitorSla([parseSlaExpression('lost == 0')]).deadlineMs, 300_000);
  });
});

describe('judgeWindow', () => {
  const sla = planMonitorSla([parseSlaExpression('visible.p99 < 30s'), parseSlaExpression('lost == 0')]);
  const outcomes = (latencies: number[]): WindowOutcome[] =>
    latencies.map((latencyMs, i) => ({ decidedAtMs: i, eventClass: 'anonymous', latencyMs }));

  it('holds while the window is within the SLA and nothing waits past the deadline', () => {
    assert.equal(judgeWindow(sla, outcomes([1_000, 2_000, 29_000]), 5_000).ok, true);
    assert.equal(judgeWindow(sla, outcomes([1_000]), 30_001).ok, false, 'an event waits past the deadline');
    assert.equal(judgeWindow(sla, outcomes([1_000, 31_000]), 0).ok, false, 'p99 over the bound');
    assert.equal(judgeWindow(sla, outcomes([1_000, Infinity]), 0).ok, false, 'a lost event');
    assert.equal(judgeWindow(sla, [], 0).ok, true, 'nothing decided and nothing waiting');
  });

  it('reads nearest-rank percentiles, lost events as infinite latencies', () => {
    const lookup = windowLookup(outcomes([...Array.from({ length: 99 }, (_, i) => i + 1), Infinity]));
    assert.equal(lookup('visible.p50'), 50);
    assert.equal(lookup('visible.p99'), 99);
    assert.equal(lookup('visible.max'), Infinity);
    assert.equal(lookup('lost'), 1);
    assert.equal(lookup('lost_share'), 0.01);
    assert.equal(lookup('identified.visible.p50'), null);
    assert.equal(lookup('duplicates'), null);
  });
});
