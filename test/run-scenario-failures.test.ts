// A run never hangs and never throws its measurements away: a load worker that fails, a capture
// target that goes away and a metrics endpoint that cannot be read each end in a report (partial
// where the load was cut short) with the documented exit code. Each failure happens once events
// were sent, as it would in a real run. Real load over real sockets on 127.0.0.1.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExitCode } from '../src/cli/run-command.js';
import { EXIT_CODES } from '../src/errors.js';
import { startReferenceTarget, type ReferenceTarget } from '../src/reference/start-reference-target.js';
import { writeReport } from '../src/report/write-report.js';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import { posthogTargetFromEnv } from '../src/targets/posthog-target.js';
import type { Target } from '../src/targets/target.js';
import { shortScenarioText } from './short-scenario.js';
import { posthogEnv } from './posthog-env.js';

const TOKEN = 'phc_failuresToken1a2b';
const KEY = 'phx_failuresKey3c4d';

/** 300 events/s for `duration`: long enough that an early end is plain from the counts. */
function scenario(duration: string) {
  return parseScenario(
    shortScenarioText({
      name: 'failures',
      seed: 11,
      rate: 300,
      duration,
      populationSize: 200,
      pollInterval: '250ms',
      drainTimeout: '10s',
      sla: ['lost == 0'],
    }),
    'failures.yaml',
  );
}

/** A posthog-kind target on an in-process reference target, which a test may stop. */
function targetOn(reference: ReferenceTarget): Target {
  return posthogTargetFromEnv(posthogEnv(reference, { token: TOKEN, personalKey: KEY }));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return port;
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-failures-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('runScenario when something fails mid-run', () => {
  it('a load worker that throws ends the run with a partial report and exit 4', async () => {
    const target = await startEmbeddedTarget();
    try {
      const s = scenario('20s');
      const report = await runScenario({
        scenario: s,
        target,
        workers: 2,
        loadWorkerUrl: new URL('./load/failing-load-worker.js', import.meta.url),
      });
      assert.equal(report.run.stop?.reason, 'load-failed');
      assert.match(report.run.stop.detail, /load worker 0 .*failed on purpose/);
      assert.equal(report.run.partial, true);
      assert.equal(report.verdict, 'fail');
      assert.equal(runExitCode(report), EXIT_CODES.INTERNAL);
      assert.ok(
        report.sla.some((c) => c.metric === 'run.completed' && !c.pass),
        'the early end is a failed check',
      );
      // The other worker stopped too, long before the 6,000-event schedule ended, and what was
      // sent is accounted for: every acknowledged event of the surviving worker was observed.
      assert.equal(report.run.plan.planned, 6000);
      assert.ok(report.totals.sent > 0 && report.totals.sent < 3000, `${report.totals.sent} sent`);
      assert.ok(report.totals.acknowledged > 0);
      assert.equal(report.totals.lost, report.totals.acknowledged - report.totals.visible);
      assert.ok(report.preflight !== null && report.preflight.probesSent >= 1);
      const dir = await writeReport(report, join(work, 'worker-failed'));
      assert.deepEqual(readdirSync(dir).sort(), ['junit.xml', 'report.html', 'report.json', 'summary.md']);
    } finally {
      await target.stop();
    }
  });

  it('a capture target that goes away ends the run with a partial report and exit 3', async () => {
    const reference = await startReferenceTarget({
      port: 0,
      memory: true,
      tokens: [TOKEN],
      personalKey: KEY,
    });
    let stopped: Promise<void> | null = null;
    try {
      const report = await runScenario({
        scenario: scenario('30s'),
        target: targetOn(reference),
        workers: 1,
        targetLostAfterMs: 2000,
        onProgress: (p) => {
          if (p.stage === 'load' && p.load.acknowledged > 0) stopped ??= reference.stop();
        },
      });
      assert.ok(stopped !== null, 'the target was stopped during the load');
      assert.equal(report.run.stop?.reason, 'target-lost');
      assert.match(report.run.stop.detail, /acknowledged nothing for \d+ s/);
      assert.equal(report.run.partial, true);
      assert.equal(runExitCode(report), EXIT_CODES.TARGET_LOST);
      assert.equal(report.run.plan.planned, 9000);
      // Stopped within seconds of the loss, not at the end of the 30 s schedule.
      assert.ok(report.totals.sent < 6000, `${report.totals.sent} sent`);
      assert.ok(report.totals.acknowledged > 0);
      assert.ok(report.totals.failed > 0, 'requests to the gone target failed');
      assert.equal(report.totals.sent + report.totals.dropped, 9000);
      // The count query could not run against a gone target: the poller's own tally stands in.
      assert.equal(report.observation.countsSource, 'poller');
    } finally {
      await (stopped ?? reference.stop());
    }
  });

  it('a metrics endpoint that cannot be read: a report without cost figures, and a note why', async () => {
    const reference = await startReferenceTarget({
      port: 0,
      memory: true,
      tokens: [TOKEN],
      personalKey: KEY,
    });
    try {
      const metricsUrl = `http://127.0.0.1:${await closedPort()}/metrics`;
      const report = await runScenario({
        scenario: scenario('1s'),
        target: { ...targetOn(reference), metricsUrl },
        workers: 1,
      });
      assert.equal(report.run.stop, null);
      assert.equal(report.run.partial, false);
      assert.equal(report.cost, null);
      assert.equal(report.notes.length, 1);
      assert.match(
        report.notes[0]!,
        /metrics \(http:\/\/127\.0\.0\.1:\d+\/metrics\) could not be read before the load/,
      );
      assert.match(report.notes[0]!, /no cost figures/);
      assert.equal(report.totals.acknowledged, 300);
      assert.equal(report.totals.visible, 300);
      assert.equal(report.verdict, 'pass');
      assert.equal(runExitCode(report), EXIT_CODES.OK);
    } finally {
      await reference.stop();
    }
  });
});
