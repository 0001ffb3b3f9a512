// `--target containers --compose FILE`: the user's own stack (a self-hosted PostHog, or anything
// speaking its capture and query APIs), brought up and torn down through testcontainers' compose
// support. Where its endpoints are and which keys it takes come from the same POSTHOG_*
// environment variables as `--target posthog` (never from flags, never printed); compose files can
// use them too (`${POSTHOG_PROJECT_API_KEY}`), since compose sees this process's environment.

import { execFile } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { IngestbenchError } from '../../errors.js';
import { posthogTargetFromEnv } from '../posthog-target.js';
import type { Target } from '../target.js';
import { connectDocker } from './docker-connection.js';
import { ReadinessWait } from './readiness-wait.js';

export const COMPOSE_ENV = {
  INGESTBENCH_COMPOSE_READY_URL:
    'with --compose: URL that answers 200 once the stack accepts events (default: POSTHOG_HOST/_readiness)',
  INGESTBENCH_COMPOSE_STARTUP_TIMEOUT:
    'with --compose: seconds to wait for the stack to come up and be ready (default 600)',
} as const;

export async function startComposeTarget(options: {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}): Promise<Target> {
  const endpoints = posthogTargetFromEnv(options.env);
  const readyUrl = options.env['INGESTBENCH_COMPOSE_READY_URL'] || `${endpoints.captureUrl}/_readiness`;
  const timeoutText = options.env['INGESTBENCH_COMPOSE_STARTUP_TIMEOUT'] || '600';
  const timeoutMs = Number(timeoutText) * 1000;
  if (!(timeoutMs > 0)) {
    throw new IngestbenchError(
      'USAGE',
      `INGESTBENCH_COMPOSE_STARTUP_TIMEOUT must be seconds, got "${timeoutText}"`,
    );
  }
  await connectDocker(options.env);
  const { DockerComposeEnvironment } = await import('testcontainers');
  const file = resolve(options.file);
  options.log(`containers: bringing up ${file}…`);
  const environment = Object.fromEntries(
    Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const stack = await new DockerComposeEnvironment(dirname(file), basename(file))
    .withEnvironment(environment)
    .withClientOptions((await hasComposePlugin()) ? {} : { executable: { standalone: true } })
    .withStartupTimeout(timeoutMs)
    .up()
    .catch((error: unknown) => {
      throw new IngestbenchError(
        'TARGET_UNREACHABLE',
        `docker compose up ${file} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    });
  const down = (): Promise<void> => stack.down({ removeVolumes: true }).then(() => undefined);
  try {
    // The stack's containers are up; its capture API may still be migrating or warming.
    await new ReadinessWait(readyUrl, 1000).withStartupTimeout(timeoutMs).waitUntilReady({
      inspect: () => Promise.resolve({ State: { Running: true, ExitCode: 0 } }),
    });
  } catch (error) {
    await down();
    throw new IngestbenchError(
      'TARGET_UNREACHABLE',
      `the compose stack did not become ready: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let stopped: Promise<void> | null = null;
  return {
    ...endpoints,
    kind: 'containers',
    describe: () => ({ ...endpoints.describe(), kind: 'containers' }),
    stop: () => (stopped ??= down()),
  };
}

/** Compose v2 (`docker compose`) when the plugin is there; else the standalone `docker-compose`. */
async function hasComposePlugin(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['compose', 'version']);
    return true;
  } catch {
    return false;
  }
}
