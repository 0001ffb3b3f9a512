// A clock and timers that move only when a test says so: `advance(ms)` fires every timer due, in
// time order. For the query limits (throttle windows, queue wait, execution time).

import type { GateTimers } from '../../../src/reference/query/concurrency-gate.js';

export interface ManualTime extends GateTimers {
  now(): number;
  advance(ms: number): void;
  /** Timers scheduled and not yet fired or cancelled. */
  pending(): number;
}

export function manualTime(start = Date.UTC(2026, 0, 1)): ManualTime {
  let t = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimer(ms, fn) {
      const id = nextId++;
      timers.set(id, { at: t + ms, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const until = t + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, x]) => x.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
      }
      t = until;
    },
    pending: () => timers.size,
  };
}
