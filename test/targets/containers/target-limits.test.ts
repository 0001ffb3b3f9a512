import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../../src/errors.js';
import { checkCpus, parseMemorySize } from '../../../src/targets/containers/target-limits.js';

describe('parseMemorySize', () => {
  it('reads Docker-style sizes in binary units', () => {
    assert.equal(parseMemorySize('512m'), 512 * 1024 ** 2);
    assert.equal(parseMemorySize('1g'), 1024 ** 3);
    assert.equal(parseMemorySize('1.5G'), 1.5 * 1024 ** 3);
    assert.equal(parseMemorySize('8192k'), 8192 * 1024);
    assert.equal(parseMemorySize('1gb'), 1024 ** 3);
    assert.equal(parseMemorySize('8388608'), 8 * 1024 ** 2);
  });

  it('refuses what Docker would refuse, as a usage error', () => {
    for (const bad of ['', 'lots', '-1g', '1t', '5m', '1 g b']) {
      assert.throws(
        () => parseMemorySize(bad),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
        bad,
      );
    }
  });
});

describe('checkCpus', () => {
  it('accepts fractions of a CPU and refuses zero or less', () => {
    assert.equal(checkCpus(1.5), 1.5);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => checkCpus(bad),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
      );
    }
  });
});
