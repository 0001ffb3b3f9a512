// A virtual clock for several sleepers at once: time moves only when the test advances it, and
// every sleep due on the way wakes in order, at its own time (test/observe/virtual-clock.ts jumps
// on each sleep, which suits one sleeper, not a drain and its ticker side by side).

import { setImmediate as tick } from 'node:timers/promises';
import type { Clock } from '../../src/clock.js';

interface Timer {
  readonly at: number;
  readonly wake: () => void;
}

export class ScheduledClock implements Clock {
  private timers: Timer[] = [];

  constructor(private current: number) {}

  readonly now = (): number => this.current;

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** How many sleeps are waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time on by `ms`, waking each sleep due on the way at its time and letting it run. */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    for (;;) {
      await tick();
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.wake();
    }
    this.current = until;
    await tick();
  }
}
