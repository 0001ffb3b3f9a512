import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { waitUntil } from '../../src/load/precise-wait.js';

describe('waitUntil', () => {
  it('never resolves before the target time, across the timer and the fine wait', async () => {
    for (const ahead of [0.3, 1.7, 2.5, 12.25]) {
      const at = systemClock.now() + ahead;
      await waitUntil(at, systemClock);
      assert.ok(systemClock.now() >= at, `${ahead} ms wait resolved early`);
    }
  });

  it('resolves at once when aborted, long before the target', async () => {
    const controller = new AbortController();
    const started = systemClock.now();
    const waiting = waitUntil(started + 60_000, systemClock, controller.signal);
    controller.abort();
    await waiting;
    assert.ok(systemClock.now() - started < 5000);
  });

  it('lets other callbacks run while waiting, even when already late', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await waitUntil(systemClock.now() - 100, systemClock);
    assert.equal(ran, true);
  });
});
