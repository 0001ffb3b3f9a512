// The containers target for real: the reference target's image is built (or found by its hash),
// started with the CPU and memory quota on the host network, waited for, run against
// scenarios/sla-ci.yaml (which it must pass), then removed. Needs a Docker engine: where none is
// reachable the test is skipped and says why (.ci/run starts one where it can).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ContainerRuntimeClient } from 'testcontainers';
import { runScenario } from '../../../src/run-scenario.js';
import { loadScenario } from '../../../src/scenario/load-scenario.js';
import { startContainersTarget } from '../../../src/targets/containers/containers-target.js';
import { connectDocker } from '../../../src/targets/containers/docker-connection.js';
import type { Target } from '../../../src/targets/target.js';
import { containersOnPort } from './containers-on-port.js';

const SLA_CI = new URL('../../../../scenarios/sla-ci.yaml', import.meta.url).pathname;
const LABEL = 'org.ingestbench.role=reference-target';

let client: ContainerRuntimeClient | null = null;
let skip: string | false = false;
try {
  client = await connectDocker();
} catch (error) {
  skip = `no Docker engine reachable here: ${(error as Error).message}`;
}

/** This test's reference containers (another test run's may run on the same engine meanwhile). */
async function referenceContainers(port: number): Promise<{ Id: string }[]> {
  return containersOnPort(client!, port, { label: [LABEL] });
}

describe('--target containers', { skip, timeout: 600_000 }, () => {
  let target: Target | null = null;
  let port = 0;
  const log: string[] = [];

  before(async () => {
    target = await startContainersTarget({ cpus: 1.5, memory: '768m', log: (line) => log.push(line) });
    port = Number(new URL(target.captureUrl).port);
  });
  after(async () => {
    await target?.stop();
  });

  it('runs the reference target with the quota, on the host network, ready to take events', async () => {
    assert.equal(target!.kind, 'containers');
    assert.match(target!.captureUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const [running, ...others] = await referenceContainers(port);
    assert.equal(others.length, 0, 'exactly one reference container');
    const info = await client!.container.dockerode.getContainer(running!.Id).inspect();
    assert.equal(info.HostConfig.NetworkMode, 'host');
    assert.equal(info.HostConfig.NanoCpus, 1.5e9);
    assert.equal(info.HostConfig.Memory, 768 * 1024 ** 2);
    assert.match(info.Config.Image, /^ingestbench-reference:[0-9a-f]{16}$/);
    const ready = await fetch(`${target!.captureUrl}/_readiness`);
    assert.equal(ready.status, 200);
    assert.ok(
      log.some((line) => /running with 1\.5 CPU, 768m memory/.test(line)),
      log.join('\n'),
    );
  });

  it('passes scenarios/sla-ci.yaml', async () => {
    const scenario = await loadScenario(SLA_CI);
    const report = await runScenario({ scenario, target: target!, workers: 1 });
    const failed = report.sla.filter((check) => !check.pass).map((check) => check.detail);
    assert.deepEqual(failed, []);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.totals.lost, 0);
    assert.equal(report.totals.visible, report.totals.acknowledged);
    assert.equal(report.run.target.kind, 'containers');
  });

  it('removes the container when stopped', async () => {
    await target!.stop();
    target = null;
    assert.deepEqual(await referenceContainers(port), []);
  });
});
