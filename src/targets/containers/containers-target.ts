// `--target containers`: the reference target (`ingestbench serve`) in a Docker container with a
// CPU and memory quota, started, waited for (/_readiness) and removed through testcontainers. The
// container shares the host's network (no registry, no bridge needed) and listens on a free
// loopback port; the harness then talks to it like any other target.

import { createServer } from 'node:net';
import type { StartedTestContainer } from 'testcontainers';
import { IngestbenchError } from '../../errors.js';
import { EMBEDDED_PERSONAL_KEY, EMBEDDED_TOKEN } from '../embedded-target.js';
import type { Target } from '../target.js';
import { startComposeTarget } from './compose-target.js';
import { connectDocker } from './docker-connection.js';
import { ensureReferenceImage } from './reference-image.js';
import { ReadinessWait } from './readiness-wait.js';
import { checkCpus, parseMemorySize, TARGET_LIMIT_DEFAULTS } from './target-limits.js';
import { serveLimitArgs, type ReferenceQueryLimits } from '../reference-query-limits.js';

const STARTUP_TIMEOUT_MS = 120_000;

export interface ContainersTargetOptions {
  readonly cpus?: number;
  /** Docker-style size: 512m, 2g. */
  readonly memory?: string;
  /** A compose file: run the user's own stack instead of the reference target. */
  readonly compose?: string;
  readonly fault?: string;
  /** The reference's query limits (reference-query-limits.ts); default: serve's (cloud). */
  readonly queryLimits?: ReferenceQueryLimits;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Progress lines (image builds can take a while); never given secrets. */
  readonly log?: (line: string) => void;
}

export async function startContainersTarget(options: ContainersTargetOptions = {}): Promise<Target> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (options.compose !== undefined) {
    if (options.fault !== undefined) {
      throw new IngestbenchError(
        'USAGE',
        '--fault does not apply to a --compose stack (it only faults the reference target)',
      );
    }
    return startComposeTarget({ file: options.compose, env, log });
  }
  const cpus = checkCpus(options.cpus ?? TARGET_LIMIT_DEFAULTS.cpus);
  const memoryBytes = parseMemorySize(options.memory ?? TARGET_LIMIT_DEFAULTS.memory);
  const client = await connectDocker(env);
  const image = await ensureReferenceImage(client, log);
  const { GenericContainer } = await import('testcontainers');
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(image.tag)
      .withNetworkMode('host')
      .withCommand([
        'serve',
        ...['--host', '127.0.0.1', '--port', String(port), '--memory'],
        ...['--token', EMBEDDED_TOKEN, '--personal-key', EMBEDDED_PERSONAL_KEY],
        ...(options.fault !== undefined ? ['--fault', options.fault] : []),
        ...(options.queryLimits !== undefined ? serveLimitArgs(options.queryLimits) : []),
      ])
      .withResourcesQuota({ cpu: cpus, memory: memoryBytes / 1024 ** 3 })
      .withLabels({ 'org.ingestbench.role': 'reference-target' })
      .withWaitStrategy(new ReadinessWait(`${url}/_readiness`))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
  } catch (error) {
    throw new IngestbenchError(
      'TARGET_UNREACHABLE',
      `the reference target container (${image.tag}) did not become ready: ${(error as Error).message}`,
      { cause: error },
    );
  }
  log(
    `containers: ${image.tag} (${image.origin}) running with ${cpus} CPU, ${options.memory ?? TARGET_LIMIT_DEFAULTS.memory} memory`,
  );
  let stopped: Promise<void> | null = null;
  return {
    kind: 'containers',
    captureUrl: url,
    queryUrl: url,
    metricsUrl: `${url}/metrics`,
    projectId: '1',
    token: EMBEDDED_TOKEN,
    personalKey: EMBEDDED_PERSONAL_KEY,
    describe: () => ({ kind: 'containers', captureUrl: url, queryUrl: url, projectId: '1' }),
    stop: () => (stopped ??= container.stop({ timeout: 15_000, remove: true }).then(() => undefined)),
  };
}

/** A port nobody listens on now; the container binds it a moment later (host networking). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
