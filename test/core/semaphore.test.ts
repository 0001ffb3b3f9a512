import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Semaphore, type Release } from '../../src/core/semaphore.js';

/** Lets every promise callback already due run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  test('holds at most its capacity; freed slots go to the waiters in arrival order', async () => {
    const slots = new Semaphore(2);
    const held = [await slots.acquire(), await slots.acquire()];
    assert.ok(held.every((r) => r !== null));
    assert.equal(slots.tryAcquire(), null, 'all held');
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      slots.acquire().then((release) => {
        order.push(n);
        return release;
      }),
    );
    await settle();
    assert.deepEqual({ running: slots.running, waiting: slots.waiting }, { running: 2, waiting: 3 });
    held[0]!();
    held[0]!(); // a second release of the same slot does nothing
    await settle();
    assert.deepEqual(order, [1]);
    assert.equal(slots.tryAcquire(), null, 'a newcomer does not overtake the queue');
    held[1]!();
    const first = await waiters[0]!;
    first!();
    await settle();
    assert.deepEqual(order, [1, 2, 3]);
    assert.deepEqual({ running: slots.running, waiting: slots.waiting }, { running: 2, waiting: 0 });
  });

  test('a waiter whose signal aborts gets null at once, with no slot freed', async () => {
    const slots = new Semaphore(1);
    const release = slots.tryAcquire();
    const stop = new AbortController();
    let answer: Release | null | undefined;
    void slots.acquire(stop.signal).then((r) => (answer = r));
    await settle();
    assert.equal(answer, undefined);
    stop.abort(new Error('stopped'));
    await settle();
    // The holder has not given its slot back: the abort alone ended the wait.
    assert.equal(answer, null);
    assert.deepEqual({ running: slots.running, waiting: slots.waiting }, { running: 1, waiting: 0 });
    release!();
    assert.equal(slots.running, 0);
  });

  test('an aborted waiter leaks no slot: the next waiter gets it, and all come back', async () => {
    const slots = new Semaphore(1);
    const release = slots.tryAcquire();
    const gone = new AbortController();
    const aborted = slots.acquire(gone.signal);
    const next = slots.acquire();
    gone.abort();
    assert.equal(await aborted, null);
    release!();
    const second = await next;
    assert.equal(slots.running, 1);
    second!();
    assert.deepEqual({ running: slots.running, waiting: slots.waiting }, { running: 0, waiting: 0 });
    // An abort after the grant changes nothing: the holder keeps its slot until it releases.
    const late = new AbortController();
    const held = await slots.acquire(late.signal);
    late.abort();
    assert.equal(slots.running, 1);
    held!();
    assert.equal(slots.running, 0);
  });

  test('a signal already aborted gets null without taking a free slot', async () => {
    const slots = new Semaphore(3);
    assert.equal(await slots.acquire(AbortSignal.abort()), null);
    assert.equal(slots.running, 0);
  });

  test('capacity 0 holds everyone until their signal aborts; a negative capacity is refused', async () => {
    const slots = new Semaphore(0);
    assert.equal(slots.tryAcquire(), null);
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    stop.abort();
    assert.equal(await waiting, null);
    assert.throws(() => new Semaphore(-1), RangeError);
  });
});
