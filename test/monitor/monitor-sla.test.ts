// The rolling window's lookup over weighted outcomes (a run's --metrics-listen window holds one
// outcome per class, second and latency with a count): it reads exactly as the same events one
// outcome each, as the monitor holds them; and the window forgets what it has left behind.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeWindow, planMonitorSla, windowLookup } from '../../src/monitor/monitor-sla.js';
import { OutcomeWindow, type WindowOutcome } from '../../src/monitor/outcome-window.js';
import { parseSlaExpression } from '../../src/scenario/parse-sla.js';

const weighted: WindowOutcome[] = [
  { decidedAtMs: 1000, eventClass: 'anonymous', latencyMs: 900, count: 97 },
  { decidedAtMs: 1000, eventClass: 'anonymous', latencyMs: 2500, count: 2 },
  { decidedAtMs: 2000, eventClass: 'anonymous', latencyMs: Infinity, count: 1 },
  { decidedAtMs: 2000, eventClass: 'identified', latencyMs: 400, count: 3 },
];
const expanded: WindowOutcome[] = weighted.flatMap(({ count, ...o }) =>
  Array.from({ length: count ?? 1 }, () => o),
);

test('weighted outcomes read as the same events one by one', () => {
  const a = windowLookup(weighted);
  const b = windowLookup(expanded);
  const paths = [
    'visible.p50',
    'visible.p99',
    'visible.max',
    'anonymous.visible.p90',
    'anonymous.visible.p99',
    'identified.visible.p99',
    'lost',
    'lost_share',
    'anonymous.lost',
    'identified.lost',
  ];
  for (const path of paths) assert.equal(a(path), b(path), path);
  assert.equal(a('anonymous.visible.p99'), 2500);
  assert.equal(a('anonymous.visible.p90'), 900);
  assert.equal(a('anonymous.lost'), 1);
  assert.equal(a('lost_share'), 1 / 103);
  assert.equal(a('visible.max'), Infinity);
});

test('the window judges weighted outcomes and forgets those it has left', () => {
  const sla = planMonitorSla(
    ['anonymous.visible.p99 < 3s', 'lost == 0'].map((text) => parseSlaExpression(text)),
  );
  const window = new OutcomeWindow(5_000);
  for (const o of weighted) window.record(o);
  assert.equal(window.kept(), 4);
  assert.equal(judgeWindow(sla, window.window(3_000), 0).ok, false, 'one lost event in the window');
  // At 6.5 s the outcomes decided at 1 s have left, the lost one (at 2 s) has not.
  assert.equal(window.window(6_500).length, 2);
  // At 7 s every outcome has left: no value, only the age can fail the SLA.
  assert.deepEqual(window.window(7_000), []);
  assert.equal(judgeWindow(sla, [], sla.deadlineMs).ok, true);
  assert.equal(judgeWindow(sla, [], sla.deadlineMs + 1).ok, false);
});
