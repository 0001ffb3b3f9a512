// Reaching a Docker engine through testcontainers. Two of testcontainers' defaults do not fit a
// machine without a registry: its reaper (Ryuk) is an image it must pull, and it guesses the
// host that published ports live on. We use host networking and remove containers ourselves, so
// unless the user has set them, TESTCONTAINERS_RYUK_DISABLED=true and
// TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 are put in this process's environment (testcontainers
// reads them from process.env, once, when it first connects).

import type { ContainerRuntimeClient } from 'testcontainers';
import { IngestbenchError } from '../../errors.js';

export const TESTCONTAINERS_DEFAULTS = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Puts into `target` (testcontainers reads process.env) each setting `env` has and `target` lacks,
 * else our default; a value already in `target` is the user's choice and stays. Returns the names set.
 */
export function applyTestcontainersDefaults(
  env: Env,
  target: Record<string, string | undefined> = process.env,
): string[] {
  const set: string[] = [];
  for (const [name, fallback] of Object.entries(TESTCONTAINERS_DEFAULTS)) {
    if (target[name] === undefined || target[name] === '') {
      target[name] = env[name] || fallback;
      set.push(name);
    }
  }
  return set;
}

async function testcontainersClient(): Promise<ContainerRuntimeClient> {
  let testcontainers: typeof import('testcontainers');
  try {
    testcontainers = await import('testcontainers');
  } catch (error) {
    throw new IngestbenchError(
      'INTERNAL',
      `--target containers needs the testcontainers package, which failed to load: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return testcontainers.getContainerRuntimeClient();
}

/**
 * The container runtime, or TARGET_UNREACHABLE (exit 3) saying how to get one. testcontainers
 * tries DOCKER_HOST, ~/.testcontainers.properties and the usual sockets in turn.
 */
export async function connectDocker(
  env: Env = process.env,
  connect: () => Promise<ContainerRuntimeClient> = testcontainersClient,
): Promise<ContainerRuntimeClient> {
  applyTestcontainersDefaults(env);
  try {
    return await connect();
  } catch (error) {
    throw error instanceof IngestbenchError ? error : dockerUnreachable(error);
  }
}

export function dockerUnreachable(error: unknown): IngestbenchError {
  const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new IngestbenchError(
    'TARGET_UNREACHABLE',
    `--target containers needs a Docker engine, and none is reachable (${why}). ` +
      'Start Docker (on Linux: `dockerd`, or `systemctl start docker`), or point DOCKER_HOST at one; ' +
      'without Docker use --target embedded.',
    { cause: error },
  );
}
