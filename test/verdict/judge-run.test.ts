// judgeRun: the checks judged on the measured values, then the built-in checks of an early end
// of observation and of a partial run, one definition for a run and a merge.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SlaCheck } from '../../src/scenario/scenario.js';
import { judgedChecks, judgeRun, runCompletedCheck } from '../../src/verdict/judge-run.js';

const lostZero: SlaCheck = { source: 'lost == 0', metric: 'lost', op: '==', threshold: 0 };
const values: Record<string, number> = { lost: 0 };
const lookup = (metric: string): number | null => values[metric] ?? null;

test('a complete run with every check met and every event checked passes', () => {
  const { sla, verdict } = judgeRun({
    checks: [lostZero],
    lookup,
    unverified: 0,
    observationEnd: 'drained',
    incomplete: [],
  });
  assert.equal(verdict, 'pass');
  assert.deepEqual(
    sla.map((r) => [r.check, r.pass]),
    [['lost == 0', true]],
  );
});

test('unchecked events fail the run with the observation check, naming what ended observation', () => {
  const { sla, verdict } = judgeRun({
    checks: [lostZero],
    lookup,
    unverified: 42,
    observationEnd: 'query budget exhausted',
    incomplete: [],
  });
  assert.equal(verdict, 'fail');
  assert.deepEqual(
    sla.map((r) => [r.check, r.metric, r.value, r.pass]),
    [
      ['lost == 0', 'lost', 0, true],
      ['observation complete', 'unverified', 42, false],
    ],
  );
  assert.match(sla[1]!.detail, /observation ended early \(query budget exhausted\): 42 acknowledged events/);
});

test('a partial run fails on the checks that say why, without the observation check', () => {
  const { sla, verdict } = judgeRun({
    checks: [lostZero],
    lookup,
    unverified: 42,
    observationEnd: 'drain timeout',
    incomplete: [runCompletedCheck('target-lost')],
  });
  assert.equal(verdict, 'fail');
  assert.deepEqual(
    sla.map((r) => [r.check, r.metric, r.pass]),
    [
      ['lost == 0', 'lost', true],
      ['run completed', 'run.completed', false],
    ],
  );
  assert.match(sla[1]!.detail, /stopped before its schedule ended \(target-lost\)/);
});

test('the checks a judgement judged read back from its results, without the outcomes judgeRun added', () => {
  // A scenario check on `unverified` is the scenario's; judgeRun's own check on it is not.
  const unverifiedZero: SlaCheck = {
    source: 'unverified == 0',
    metric: 'unverified',
    op: '==',
    threshold: 0,
  };
  const checks = [lostZero, unverifiedZero];
  const { sla } = judgeRun({
    checks,
    lookup: (metric) => (metric === 'unverified' ? 4 : 0),
    unverified: 4,
    observationEnd: 'query budget exhausted',
    incomplete: [],
  });
  assert.deepEqual(
    sla.map((r) => r.check),
    ['lost == 0', 'unverified == 0', 'observation complete'],
  );
  assert.deepEqual(judgedChecks(sla), checks);
  const stopped = judgeRun({
    checks,
    lookup,
    unverified: 0,
    observationEnd: 'stopped',
    incomplete: [runCompletedCheck('interrupted')],
  });
  assert.deepEqual(judgedChecks(stopped.sla), checks);
});
