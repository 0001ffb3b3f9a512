// A second run with the same seed against the same target measures the same thing: its distinct
// ids are new (salted with the run id), so PostHog's force_upgrade (a personless event of a
// distinct id that already has a person is processed as identified) cannot turn its anonymous
// class into identified events; everything else the seed fixes is identical.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../src/report/report-types.js';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import type { Target } from '../src/targets/target.js';
import { shortScenarioText } from './short-scenario.js';
import { targetHogql } from './target-hogql.js';

let target: Target;
before(async () => {
  target = await startEmbeddedTarget();
});
after(() => target.stop());

const hogql = (query: string): Promise<unknown[][]> => targetHogql(target, query);

interface RunRows {
  /** distinct id → class → events */
  readonly ids: Map<string, Map<string, number>>;
  /** "event|class|person_mode" → events */
  readonly shape: Map<string, number>;
}

async function rowsOf(report: Report): Promise<RunRows> {
  const rows = await hogql(
    'SELECT distinct_id, event, properties.ingestbench_class, person_mode, count() FROM events ' +
      `WHERE properties.ingestbench_run = '${report.run.id}' ` +
      'GROUP BY distinct_id, event, properties.ingestbench_class, person_mode',
  );
  const ids = new Map<string, Map<string, number>>();
  const shape = new Map<string, number>();
  for (const [distinctId, event, cls, mode, n] of rows) {
    const byClass = ids.get(String(distinctId)) ?? new Map<string, number>();
    byClass.set(String(cls), (byClass.get(String(cls)) ?? 0) + Number(n));
    ids.set(String(distinctId), byClass);
    const key = `${String(event)}|${String(cls)}|${String(mode)}`;
    shape.set(key, (shape.get(key) ?? 0) + Number(n));
  }
  return { ids, shape };
}

/** A distinct id without its run salt: ib-<seed>-<salt>-anon-7 → ib-<seed>-anon-7. */
const unsalted = (id: string): string => id.replace(/^(ib-[0-9a-z]+-)[0-9a-z]+-/, '$1');

describe('a rerun with the same seed', () => {
  it('sends different distinct ids and identical everything else; anonymous events stay personless', async () => {
    const text = shortScenarioText({
      name: 'rerun',
      seed: 5,
      rate: 300,
      duration: '2s',
      populationSize: 60,
      pollInterval: '250ms',
      drainTimeout: '15s',
      sla: ['lost == 0'],
    });
    const first = await runScenario({ scenario: parseScenario(text, 'rerun.yaml'), target, workers: 2 });
    const second = await runScenario({ scenario: parseScenario(text, 'rerun.yaml'), target, workers: 2 });
    for (const report of [first, second]) {
      assert.equal(report.totals.visible, 600);
      assert.equal(report.verdict, 'pass');
    }
    const a = await rowsOf(first);
    const b = await rowsOf(second);
    // No distinct id of the first run is reused by the second.
    assert.ok(a.ids.size > 0);
    for (const id of b.ids.keys()) assert.equal(a.ids.has(id), false, `${id} reused`);
    // Without the salt, the same users sent the same number of events of each class.
    const bySeed = (rows: RunRows): Map<string, string> =>
      new Map([...rows.ids].map(([id, byClass]) => [unsalted(id), JSON.stringify([...byClass].sort())]));
    assert.deepEqual(bySeed(b), bySeed(a));
    // The same events by name, class and person mode: the anonymous class is as personless in
    // the second run as in the first.
    assert.deepEqual([...b.shape].sort(), [...a.shape].sort());
    assert.deepEqual(second.classes, first.classes);
  });
});
