// The live hook end to end: a short run against the reference target, every live event recorded,
// and the seconds' counts summed against the final report's totals.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { LiveEvent, LiveSecond } from '../../src/live/live-event.js';
import { runScenario } from '../../src/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { EVENT_CLASSES } from '../../src/scenario/scenario.js';
import { startEmbeddedTarget } from '../../src/targets/embedded-target.js';
import type { Target } from '../../src/targets/target.js';
import { shortScenarioText } from '../short-scenario.js';

const targets: Target[] = [];
after(() => Promise.all(targets.map((t) => t.stop())));

for (const method of ['exact', 'counts'] as const) {
  describe(`runScenario onLive (${method} observation)`, () => {
    it('emits started, seconds that sum to the report, the SLA as it stands, then the report', async () => {
      const target = await startEmbeddedTarget({});
      targets.push(target);
      const scenario = parseScenario(
        shortScenarioText({
          name: 'live',
          seed: 3,
          rate: 200,
          duration: '3s',
          populationSize: 200,
          pollInterval: '250ms',
          drainTimeout: '20s',
          sla: ['visible.p99 < 30s', 'lost == 0'],
          method,
        }),
        'live.yaml',
      );
      const events: LiveEvent[] = [];
      const report = await runScenario({ scenario, target, workers: 1, onLive: (e) => events.push(e) });
      assert.equal(report.observation.endReason, 'drained');

      const types = events.map((e) => e.type);
      assert.equal(types[0], 'stage'); // preflight
      const started = events.find((e) => e.type === 'started');
      assert.ok(started && started.type === 'started');
      assert.equal(started.runId, report.run.id);
      assert.equal(started.method, method);
      assert.equal(types.at(-1), 'report');
      const last = events.at(-1)!;
      assert.ok(last.type === 'report' && last.report.run.id === report.run.id);
      assert.ok(types.includes('sla'));
      assert.deepEqual(
        events.filter((e) => e.type === 'stage').map((e) => e.type === 'stage' && e.stage),
        ['preflight', 'load', 'drain'],
      );

      const seconds = events.flatMap((e) => (e.type === 'second' ? [e.second] : []));
      assert.deepEqual(
        seconds.map((s) => s.second),
        seconds.map((_, i) => i),
        'every second once, in order',
      );
      assert.ok(seconds.length >= 3, `${seconds.length} seconds for a 3 s load`);
      const sum = (pick: (s: LiveSecond) => number): number => seconds.reduce((a, s) => a + pick(s), 0);
      for (const cls of EVENT_CLASSES) {
        const totals = report.classes[cls];
        assert.ok(totals.sent > 0, `${cls} events were sent`);
        assert.equal(
          sum((s) => s.classes[cls].sent),
          totals.sent,
          `${cls} sent`,
        );
        assert.equal(
          sum((s) => s.classes[cls].acknowledged),
          totals.acknowledged,
          `${cls} acknowledged`,
        );
        assert.equal(
          sum((s) => s.classes[cls].visible),
          totals.visible,
          `${cls} visible`,
        );
        assert.equal(
          sum((s) => s.classes[cls].dropped),
          totals.dropped,
          `${cls} dropped`,
        );
        // Every measured visible event has a latency in some second (no warm-up in this scenario).
        assert.equal(
          sum((s) => s.classes[cls].latencyCount),
          totals.visible,
          `${cls} latencies`,
        );
      }
      const lastSla = events.filter((e) => e.type === 'sla').at(-1)!;
      assert.ok(lastSla.type === 'sla');
      assert.deepEqual(
        lastSla.checks.map((c) => [c.check, c.status]),
        [
          ['visible.p99 < 30s', 'pass'],
          ['lost == 0', 'pending'],
          ['load applied: dropped_share <= 1%', 'pass'],
          ['load applied: rate.achieved_share >= 99%', 'pending'],
        ],
      );
      const finalSecond = seconds.at(-1)!;
      assert.ok(finalSecond.budget.queries > 0 && finalSecond.budget.limits.perMinute > 0);
      assert.ok(seconds.some((s) => s.sendDelayMaxMs !== null));
    });
  });
}
