// Without a Docker engine the containers target fails before any load with TARGET_UNREACHABLE
// (exit 3) and says what to do; testcontainers' settings the user chose are kept, the others get
// the values a registry-less host needs. testcontainers falls back from DOCKER_HOST to the usual
// sockets, so "no engine" is the failure its discovery gives on a machine without one
// (Could not find a working container runtime strategy), injected here.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError, EXIT_CODES } from '../../../src/errors.js';
import {
  applyTestcontainersDefaults,
  connectDocker,
} from '../../../src/targets/containers/docker-connection.js';
import { resolveTarget } from '../../../src/targets/resolve-target.js';

describe('applyTestcontainersDefaults', () => {
  it("fills in only what the user has not set, preferring the run's environment", () => {
    const target: Record<string, string | undefined> = { TESTCONTAINERS_RYUK_DISABLED: 'false' };
    const set = applyTestcontainersDefaults({ TESTCONTAINERS_HOST_OVERRIDE: '10.0.0.5' }, target);
    assert.deepEqual(set, ['TESTCONTAINERS_HOST_OVERRIDE']);
    assert.deepEqual(target, {
      TESTCONTAINERS_RYUK_DISABLED: 'false',
      TESTCONTAINERS_HOST_OVERRIDE: '10.0.0.5',
    });
    const empty: Record<string, string | undefined> = {};
    applyTestcontainersDefaults({}, empty);
    assert.deepEqual(empty, {
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
    });
  });
});

describe('no Docker engine', () => {
  it('is TARGET_UNREACHABLE (exit 3) with a message that says how to get one', async () => {
    const noEngine = (): Promise<never> =>
      Promise.reject(new Error('Could not find a working container runtime strategy'));
    await assert.rejects(connectDocker({}, noEngine), (error: unknown) => {
      assert.ok(error instanceof IngestbenchError);
      assert.equal(error.code, 'TARGET_UNREACHABLE');
      assert.equal(error.exitCode, EXIT_CODES.TARGET_UNREACHABLE);
      assert.match(error.message, /needs a Docker engine/);
      assert.match(error.message, /Could not find a working container runtime strategy/);
      assert.match(error.message, /--target embedded/);
      return true;
    });
  });

  it('container flags with another target are a usage error', async () => {
    await assert.rejects(
      resolveTarget('embedded', {}, { containers: { cpus: 2, memory: '1g' } }),
      (error: unknown) =>
        error instanceof IngestbenchError &&
        error.code === 'USAGE' &&
        /--target-cpus, --target-memory only apply to --target containers/.test(error.message),
    );
  });
});
