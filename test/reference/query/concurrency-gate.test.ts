import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createConcurrencyGate, type Release } from '../../../src/reference/query/concurrency-gate.js';
import { manualTime } from './manual-timers.js';

describe('createConcurrencyGate', () => {
  test('three run at once; the fourth waits and takes the first freed slot', async () => {
    const time = manualTime();
    const gate = createConcurrencyGate({ concurrent: 3, queueTimeoutMs: 30_000 }, time);
    const running = await Promise.all([gate.acquire(1), gate.acquire(1), gate.acquire(1)]);
    assert.ok(running.every((r) => r !== null));
    let fourth: Release | null | undefined;
    void gate.acquire(1).then((r) => (fourth = r));
    await Promise.resolve();
    assert.deepEqual(gate.state(1), { running: 3, waiting: 1 });
    assert.equal(fourth, undefined);
    // Another project is not held up.
    assert.notEqual(await gate.acquire(2), null);
    time.advance(29_000);
    running[0]!();
    running[0]!(); // a second release of the same slot does nothing
    await Promise.resolve();
    assert.equal(typeof fourth, 'function');
    assert.deepEqual(gate.state(1), { running: 3, waiting: 0 });
    assert.equal(time.pending(), 0, 'the granted waiter’s timeout is cancelled');
  });

  test('a waiter still queued after the queue timeout gets null and leaves the queue', async () => {
    const time = manualTime();
    const gate = createConcurrencyGate({ concurrent: 1, queueTimeoutMs: 30_000 }, time);
    const first = await gate.acquire(1);
    const waiting = gate.acquire(1);
    time.advance(29_999);
    assert.deepEqual(gate.state(1), { running: 1, waiting: 1 });
    time.advance(1);
    assert.equal(await waiting, null);
    assert.deepEqual(gate.state(1), { running: 1, waiting: 0 });
    first!();
    assert.deepEqual(gate.state(1), { running: 0, waiting: 0 });
  });
});
