import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RETRY_DELAY_MS, RETRY_BASE_MS, retryDelayMs } from '../../src/load/retry-delay.js';

const NOW = Date.UTC(2026, 0, 1);

describe('retryDelayMs', () => {
  it('honours Retry-After in seconds or as an HTTP date', () => {
    assert.equal(retryDelayMs('2', 0, 0.5, NOW), 2000);
    assert.equal(retryDelayMs(' 0.25 ', 3, 0.5, NOW), 250);
    assert.equal(retryDelayMs(new Date(NOW + 3000).toUTCString(), 0, 0.5, NOW), 3000);
    assert.equal(retryDelayMs('soon', 0, 0, NOW), RETRY_BASE_MS / 2);
  });

  it('backs off exponentially with jitter when the server says nothing, within the cap', () => {
    assert.equal(retryDelayMs(undefined, 0, 0, NOW), RETRY_BASE_MS / 2);
    assert.equal(retryDelayMs(undefined, 2, 0.999999, NOW) <= RETRY_BASE_MS * 4, true);
    assert.ok(retryDelayMs(undefined, 2, 0.5, NOW) > retryDelayMs(undefined, 1, 0.5, NOW));
    assert.equal(retryDelayMs(undefined, 30, 0.5, NOW), MAX_RETRY_DELAY_MS);
    assert.equal(retryDelayMs('3600', 0, 0.5, NOW), MAX_RETRY_DELAY_MS);
    assert.equal(retryDelayMs('3600', 0, 0.5, NOW, 5000), 5000, "the cap is the caller's argument");
  });
});
