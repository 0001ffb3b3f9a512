// A clock for tests: time stands still until something sleeps, then jumps to the wake-up time.
// The poller and the query client are the only sleepers in these tests, so a run of many virtual
// minutes takes as long as its HTTP round trips.

import { setImmediate as tick } from 'node:timers/promises';
import type { Clock } from '../../src/clock.js';

export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
    await tick();
    signal?.throwIfAborted();
  }
}
