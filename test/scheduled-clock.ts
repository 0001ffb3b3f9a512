// A virtual clock for several sleepers at once: every sleep is queued by its wake-up time, and
// sleepers wake one at a time, in order, each at its own time. Two ways to move time:
// - `advance(ms)` (manual): the test moves time on; every sleep due on the way wakes and runs
//   (a drain and its ticker side by side, test/run/);
// - `auto`: once everything runnable has run (a few event-loop turns with no sleeper woken), time
//   jumps to the earliest wake-up (the monitor's sender, poller and log, test/monitor/).
// test/observe/virtual-clock.ts jumps on each sleep, which is right for one sleeper only. Work must
// be in-process (no sockets): time does not wait for I/O.

import { setImmediate as turn } from 'node:timers/promises';
import type { Clock } from '../src/clock.js';

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

  constructor(
    startMs: number,
    private readonly mode: 'manual' | 'auto' = 'manual',
  ) {
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
      if (this.mode === 'auto') this.pump();
    });
  }

  /** How many sleeps are waiting. */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Manual mode: moves time on by `ms`, waking each sleep due on the way at its time and letting it run. */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    for (;;) {
      await turn();
      const due = this.takeEarliest(until);
      if (due === null) break;
      this.current = due.at;
      due.wake();
    }
    this.current = until;
    await turn();
  }

  /** Removes and returns the earliest sleeper due by `until` (first queued among equals). */
  private takeEarliest(until = Infinity): Sleeper | null {
    let next = -1;
    for (let i = 0; i < this.sleepers.length; i++) {
      const s = this.sleepers[i]!;
      const n = next < 0 ? null : this.sleepers[next]!;
      if (s.at <= until && (n === null || s.at < n.at || (s.at === n.at && s.order < n.order))) next = i;
    }
    return next < 0 ? null : this.sleepers.splice(next, 1)[0]!;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      // Let every loop that can run reach its next sleep before time moves.
      for (let i = 0; i < 3; i++) await turn();
      this.pumping = false;
      const sleeper = this.takeEarliest();
      if (sleeper === null) return;
      this.current = Math.max(this.current, sleeper.at);
      sleeper.wake();
      if (this.sleepers.length > 0) this.pump();
    })();
  }
}
