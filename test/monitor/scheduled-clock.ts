// A virtual clock for several loops at once (the monitor's sender, poller and log): every sleep
// is queued by its wake-up time, and once everything runnable has run (a few event-loop turns
// with no sleeper woken), time jumps to the earliest wake-up and only that sleeper resumes.
// test/observe/virtual-clock.ts advances on each sleep, which is right for one sleeper only.
// Work must be in-process (no sockets): time does not wait for I/O.

import { setImmediate as turn } from 'node:timers/promises';
import type { Clock } from '../../src/clock.js';

interface Sleeper {
  readonly at: number;
  readonly order: number;
  readonly wake: () => void;
}

export class ScheduledClock implements Clock {
  private current: number;
  private readonly sleepers: Sleeper[] = [];
  private order = 0;
  private pumping = false;
  readonly now = (): number => this.current;

  constructor(startMs: number) {
    this.current = startMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.sleepers.indexOf(sleeper);
        if (i >= 0) this.sleepers.splice(i, 1);
        reject(signal!.reason as Error);
      };
      const sleeper: Sleeper = {
        at: this.current + Math.max(0, ms),
        order: this.order++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.pump();
    });
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      // Let every loop that can run reach its next sleep before time moves.
      for (let i = 0; i < 3; i++) await turn();
      this.pumping = false;
      if (this.sleepers.length === 0) return;
      let next = 0;
      for (let i = 1; i < this.sleepers.length; i++) {
        const s = this.sleepers[i]!;
        const n = this.sleepers[next]!;
        if (s.at < n.at || (s.at === n.at && s.order < n.order)) next = i;
      }
      const [sleeper] = this.sleepers.splice(next, 1);
      this.current = Math.max(this.current, sleeper!.at);
      sleeper!.wake();
      if (this.sleepers.length > 0) this.pump();
    })();
  }
}
