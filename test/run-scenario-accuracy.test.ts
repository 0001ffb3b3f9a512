// The harness against ground truth. The reference target knows when it committed each event
// (inserted_at) and how many faults it injected (/metrics); a run against it must agree: every
// event's visible time lies within one poll resolution after its commit, `lost` and `duplicates`
// are exactly the injected drops and duplicates, and an injected delay moves the visible figures
// by that delay. Each run is a few seconds of real load over real sockets on 127.0.0.1.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decodeEventUuid } from '../src/generate/event-uuid.js';
import { EventStatus, Ledger } from '../src/load/ledger.js';
import { planLoad } from '../src/load/plan-load.js';
import { runLoad } from '../src/load/run-load.js';
import { decodeHistogram } from '../src/measure/latency-summary.js';
import { hogqlLiteral, parseHogqlDateTime } from '../src/observe/hogql-literal.js';
import { startPoller } from '../src/observe/poller.js';
import { createQueryClient } from '../src/observe/query-client.js';
import type { Report } from '../src/report/report-types.js';
import { newRunId, runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import type { Target } from '../src/targets/target.js';
import { shortScenarioText } from './short-scenario.js';
import { faultsInjected } from './target-faults.js';
import { targetHogql } from './target-hogql.js';

/** What a poll may add on a loaded machine beyond the measured resolution: inserted_at is taken
 * just before the batch's rows are written, so the commit itself (a few ms, more under load) sits
 * between inserted_at and the moment a reader can see the rows. */
const SLACK_MS = 100;

/** A short mixed scenario (identified and anonymous events) at `rate` events/s for `duration`. */
function scenarioText(opts: {
  rate: number;
  duration: string;
  pollInterval: string;
  drainTimeout: string;
}): string {
  return shortScenarioText({ name: 'accuracy', seed: 7, populationSize: 400, sla: ['lost == 0'], ...opts });
}

const targets: Target[] = [];
after(() => Promise.all(targets.map((t) => t.stop())));

async function embedded(fault?: string): Promise<Target> {
  const target = await startEmbeddedTarget(fault === undefined ? {} : { fault });
  targets.push(target);
  return target;
}

/** HogQL through the target's query API, as any client would send it. */
const hogql = (target: Target, query: string): Promise<unknown[][]> => targetHogql(target, query);

describe('run accuracy against the reference target', () => {
  it('visible time of every event is at or after its commit and at most one resolution later', async () => {
    const target = await embedded();
    const scenario = parseScenario(
      scenarioText({ rate: 1000, duration: '3s', pollInterval: '250ms', drainTimeout: '15s' }),
      'accuracy.yaml',
    );
    const runId = newRunId();
    // Ends the poller should the load fail, so a failing test does not poll on forever.
    const abandon = new AbortController();
    // The pieces runScenario() wires together, so the test can read the ledger slot by slot.
    const client = createQueryClient({
      queryUrl: target.queryUrl,
      projectId: target.projectId,
      personalKey: target.personalKey,
      budgetPerMinute: scenario.observation.queryBudgetPerMinute,
      signal: abandon.signal,
    });
    await client.preflight();
    const plan = planLoad(scenario, { workers: 2, runId, startAtMs: Date.now() + 250 });
    const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
    const poller = startPoller({
      client,
      ledger,
      runId,
      runTag: plan.runTag,
      pollIntervalMs: scenario.observation.pollIntervalMs,
      signal: abandon.signal,
    });
    const observation = await (async () => {
      try {
        await runLoad({
          scenario,
          plan,
          ledger,
          target: { captureUrl: target.captureUrl, token: target.token },
        });
        return await poller.drain(scenario.observation.drainTimeoutMs);
      } finally {
        abandon.abort();
      }
    })();
    assert.equal(observation.drained, true, `${observation.pending} events never became visible`);
    assert.equal(plan.planned, 3000);

    const rows = await hogql(
      target,
      `SELECT uuid, inserted_at FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)} LIMIT 50000`,
    );
    assert.equal(rows.length, plan.planned, 'one stored row per planned event');
    const resolution = observation.resolutionMs;
    assert.ok(resolution >= 250, `resolution ${resolution} ms is at least the poll interval`);
    const seen = new Set<string>();
    const offenders: string[] = [];
    const classes = { anonymous: 0, identified: 0 };
    for (const [uuid, insertedAtCell] of rows) {
      assert.equal(typeof uuid, 'string');
      const id = decodeEventUuid(uuid as string, plan.runTag);
      assert.ok(id, `row ${String(uuid)} is not one of this run's uuids`);
      const key = `${id.worker}/${id.seq}`;
      assert.ok(!seen.has(key), `slot ${key} stored twice`);
      seen.add(key);
      const shard = ledger.shard(id.worker);
      assert.equal(shard.status[id.seq], EventStatus.acknowledged, `slot ${key} acknowledged`);
      const insertedAt = parseHogqlDateTime(insertedAtCell);
      assert.ok(insertedAt !== null, `inserted_at ${String(insertedAtCell)} is a time`);
      const visible = shard.visibleAt(id.seq);
      assert.ok(!Number.isNaN(visible), `slot ${key} was seen by the poller`);
      const late = visible - insertedAt;
      if (late < 0 || late > resolution + SLACK_MS)
        offenders.push(`${key}: visible − inserted_at = ${late} ms`);
      classes[shard.classOf(id.seq)] += 1;
    }
    assert.deepEqual(
      offenders.slice(0, 10),
      [],
      `${offenders.length} of ${rows.length} events outside [0, ${resolution} + ${SLACK_MS}] ms of their commit`,
    );
    // Both classes went through the same measurement.
    assert.ok(classes.anonymous > 0 && classes.identified > 0, JSON.stringify(classes));
  });

  it('lost and duplicates are exactly the drops and duplicates the target injected', async () => {
    const target = await embedded('drop-after-ack=0.02,duplicate=0.01');
    const scenario = parseScenario(
      scenarioText({ rate: 1000, duration: '3s', pollInterval: '250ms', drainTimeout: '10s' }),
      'faults.yaml',
    );
    const report = await runScenario({ scenario, target, workers: 2 });
    // Faults spare the preflight's probe: each probe sent is stored once, so the target's fault
    // counters are this run's events alone.
    const probeRows = (
      await hogql(
        target,
        `SELECT uuid FROM events WHERE properties.ingestbench_probe = ${hogqlLiteral(report.run.id)}`,
      )
    ).map((r) => String(r[0]));
    assert.ok(report.preflight !== null && probeRows.length >= 1, 'a probe came back');
    assert.equal(new Set(probeRows).size, probeRows.length, 'no probe duplicated');
    assert.equal(probeRows.length, report.preflight.probesSent, 'no probe dropped');
    const dropped = await faultsInjected(target, 'drop-after-ack');
    const duplicated = await faultsInjected(target, 'duplicate');

    assert.equal(report.totals.acknowledged, 3000);
    assert.equal(report.totals.rejected + report.totals.failed + report.totals.dropped, 0);
    // 2% and 1% of 3,000: both faults happened, so the equalities below are not 0 == 0.
    assert.ok(dropped >= 20 && dropped <= 120, `${dropped} dropped`);
    assert.ok(duplicated >= 8 && duplicated <= 70, `${duplicated} duplicated`);
    assert.equal(report.totals.lost, dropped);
    assert.equal(report.totals.duplicates, duplicated);
    assert.equal(report.totals.visible, 3000 - dropped);
    assert.equal(report.observation.countsSource, 'query');
    assert.equal(report.observation.drained, false, 'lost events keep the drain open until its timeout');
    // Per class too: the classes add up to the totals.
    assert.equal(report.classes.anonymous.lost + report.classes.identified.lost, dropped);
    assert.equal(report.classes.anonymous.duplicates + report.classes.identified.duplicates, duplicated);
    const lostCheck = report.sla.find((r) => r.metric === 'lost');
    assert.equal(lostCheck?.pass, false);
    assert.equal(lostCheck?.value, dropped);
    assert.equal(report.verdict, 'fail');
  });

  it('an injected 1.5 s delay moves visible p50 by 1.5 s, within one resolution', async () => {
    const text = scenarioText({ rate: 600, duration: '2s', pollInterval: '200ms', drainTimeout: '15s' });
    const run = async (fault?: string): Promise<Report> =>
      runScenario({ scenario: parseScenario(text, 'delay.yaml'), target: await embedded(fault), workers: 2 });
    const plain = await run();
    const delayed = await run('delay=1500ms');
    for (const report of [plain, delayed]) {
      assert.equal(report.totals.lost, 0);
      assert.equal(report.totals.visible, 1200);
      assert.equal(report.latency.visible.all.count, 1200);
      assert.equal(report.observation.drained, true);
    }
    const p50 = (r: Report): number => r.latency.visible.all.p50!;
    const shift = p50(delayed) - p50(plain);
    const bound = Math.max(plain.observation.resolutionMs, delayed.observation.resolutionMs) + SLACK_MS;
    assert.ok(
      Math.abs(shift - 1500) <= bound,
      `p50 ${p50(plain)} ms → ${p50(delayed)} ms: shift ${shift} ms, expected 1500 ± ${bound} ms`,
    );
    // No event is visible before the delay has passed since it was sent (the histogram's
    // smallest bucket may sit up to 0.1% below a recorded value; the send clock a few ms off).
    const fastestMs = decodeHistogram(delayed.latency.visible.all.histogram).minNonZeroValue / 1000;
    assert.ok(fastestMs >= 1490, `fastest visible latency with the delay: ${fastestMs} ms`);
  });
});
