// `--target containers --compose FILE`: a user's stack brought up through testcontainers' compose
// support, found through the POSTHOG_* variables, run against, and taken down. The stack here is
// the reference target's own image in a compose file that reads its port and keys from those
// variables (as a self-hosted PostHog's would). Needs Docker and Docker Compose; skipped, saying
// why, where either is missing.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ContainerRuntimeClient } from 'testcontainers';
import { runScenario } from '../../../src/run-scenario.js';
import { parseScenario } from '../../../src/scenario/load-scenario.js';
import { startContainersTarget } from '../../../src/targets/containers/containers-target.js';
import { connectDocker } from '../../../src/targets/containers/docker-connection.js';
import { ensureReferenceImage } from '../../../src/targets/containers/reference-image.js';
import { shortScenarioText } from '../../short-scenario.js';
import { containersOnPort } from './containers-on-port.js';

const run = promisify(execFile);

let client: ContainerRuntimeClient | null = null;
let skip: string | false = false;
try {
  client = await connectDocker();
} catch (error) {
  skip = `no Docker engine reachable here: ${(error as Error).message}`;
}
if (skip === false) {
  const compose = await run('docker', ['compose', 'version']).then(
    () => true,
    () =>
      run('docker-compose', ['version']).then(
        () => true,
        () => false,
      ),
  );
  if (!compose) skip = 'Docker Compose is not installed here (neither `docker compose` nor `docker-compose`)';
}

const work = mkdtempSync(join(tmpdir(), 'ingestbench-compose-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('--target containers --compose', { skip, timeout: 600_000 }, () => {
  it('brings the stack up, runs a scenario against it, and takes it down', async () => {
    const image = await ensureReferenceImage(client!, () => undefined);
    const port = await freePort();
    const file = join(work, 'stack.yml');
    writeFileSync(
      file,
      [
        "version: '3'",
        'services:',
        '  capture:',
        `    image: ${image.tag}`,
        '    network_mode: host',
        '    command: [serve, --host, 127.0.0.1, --port, "${STACK_PORT}", --memory,',
        '              --token, "${POSTHOG_PROJECT_API_KEY}", --personal-key, "${POSTHOG_PERSONAL_API_KEY}"]',
        '',
      ].join('\n'),
    );
    const env = {
      ...process.env,
      STACK_PORT: String(port),
      POSTHOG_HOST: `http://127.0.0.1:${port}`,
      POSTHOG_PROJECT_API_KEY: 'phc_compose_stack',
      POSTHOG_PERSONAL_API_KEY: 'phx_compose_stack',
      POSTHOG_PROJECT_ID: '1',
    };
    const log: string[] = [];
    const target = await startContainersTarget({ compose: file, env, log: (line) => log.push(line) });
    let stopped = false;
    try {
      assert.equal(target.kind, 'containers');
      assert.equal(target.captureUrl, `http://127.0.0.1:${port}`);
      assert.equal(target.token, 'phc_compose_stack');
      assert.ok(!JSON.stringify(target.describe()).includes('phx_'), 'describe() carries no key');
      assert.ok(!log.join('\n').includes('phx_compose_stack'), 'logs carry no key');
      const scenario = parseScenario(
        shortScenarioText({
          name: 'compose',
          seed: 3,
          rate: 100,
          duration: '2s',
          populationSize: 100,
          pollInterval: '250ms',
          drainTimeout: '20s',
          sla: ['lost == 0'],
        }),
        'compose.yaml',
      );
      // This stack's service, not the containers-target test's container or another test run's
      // stack that may run meanwhile.
      const stackContainers = (): Promise<unknown[]> =>
        containersOnPort(client!, port, {
          ancestor: [image.tag],
          label: ['com.docker.compose.service=capture'],
        });
      assert.equal((await stackContainers()).length, 1, 'the stack runs');
      const report = await runScenario({ scenario, target, workers: 1 });
      assert.equal(report.verdict, 'pass');
      assert.equal(report.totals.acknowledged, 200);
      assert.equal(report.totals.visible, 200);
      await target.stop();
      stopped = true;
      assert.deepEqual(await stackContainers(), [], 'the stack is gone');
    } finally {
      if (!stopped) await target.stop();
    }
  });
});
