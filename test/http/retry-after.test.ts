import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter } from '../../src/http/retry-after.js';

const NOW = Date.UTC(2026, 0, 1);

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, without a cap', () => {
    assert.equal(parseRetryAfter('7', NOW), 7000);
    assert.equal(parseRetryAfter(' 0.25 ', NOW), 250);
    assert.equal(parseRetryAfter('3599', NOW), 3_599_000);
    assert.equal(parseRetryAfter(new Date(NOW + 4000).toUTCString(), NOW), 4000);
    assert.equal(parseRetryAfter(new Date(NOW - 4000).toUTCString(), NOW), 0);
  });

  it('gives null for an absent, empty or unreadable header', () => {
    assert.equal(parseRetryAfter(undefined, NOW), null);
    assert.equal(parseRetryAfter('  ', NOW), null);
    assert.equal(parseRetryAfter('soon', NOW), null);
  });
});
