import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { targetCpus } from '../../src/cli/target-cpus.js';
import { IngestbenchError } from '../../src/errors.js';

describe('targetCpus', () => {
  it('is a taskset CPU list for the embedded target and a CPU quota for the containers target', () => {
    assert.deepEqual(targetCpus('embedded', '0-1,3'), { pin: '0-1,3' });
    assert.deepEqual(targetCpus('containers', '1.5'), { quota: 1.5 });
    assert.deepEqual(targetCpus('containers', undefined), {});
  });

  it('refuses a CPU list or zero as a container quota', () => {
    for (const text of ['0-1', '0', 'two']) {
      assert.throws(
        () => targetCpus('containers', text),
        (error: unknown) =>
          error instanceof IngestbenchError &&
          error.code === 'USAGE' &&
          error.message.includes(`--target-cpus ${text}`),
      );
    }
  });
});
