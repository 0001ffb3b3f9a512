// The run's one clock. Every time the harness records (intended and actual sends, acks, polls,
// the reference target's created_at) is unix milliseconds read from an EpochClock, so times
// taken on different threads and in different processes can be subtracted.
//
// Why not Date.now() or performance.timeOrigin + performance.now(): Date.now() steps and slews
// with NTP during a run, and each thread's timeOrigin is its own wall-clock reading taken when
// the thread started, so two threads disagree by whatever the wall clock did in between.
// process.hrtime() reads CLOCK_MONOTONIC, one counter for every thread and process on the host
// that never steps: an anchor (one wall-clock reading paired with one monotonic reading), taken
// once and handed to every worker and child process, puts all of them on one time base.
// Everything that waits also goes through a Clock, so tests drive time instead of sleeping.

import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  /** Unix time in milliseconds (may be fractional). A property: it is passed around unbound. */
  readonly now: () => number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A wall-clock reading and the monotonic reading taken with it: the origin of one time base. */
export interface ClockAnchor {
  readonly unixMs: number;
  readonly monotonicMs: number;
}

/** A Clock on the time base of `anchor`; pass `anchor` on to put another thread on the same one. */
export interface EpochClock extends Clock {
  readonly anchor: ClockAnchor;
}

/** CLOCK_MONOTONIC in fractional ms (its origin is arbitrary: only differences mean anything). */
export function monotonicMs(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1000 + nanos / 1e6;
}

export function captureClockAnchor(): ClockAnchor {
  return { unixMs: Date.now(), monotonicMs: monotonicMs() };
}

export function epochClock(anchor: ClockAnchor): EpochClock {
  const offset = anchor.unixMs - anchor.monotonicMs;
  return {
    anchor: { unixMs: anchor.unixMs, monotonicMs: anchor.monotonicMs },
    now: () => offset + monotonicMs(),
    sleep: async (ms, signal) => {
      await delay(Math.max(0, ms), undefined, signal ? { signal } : {});
    },
  };
}

/**
 * This process's clock, anchored when the module loads. The main thread hands
 * `systemClock.anchor` to its workers and child processes, which build `epochClock(anchor)`.
 */
export const systemClock: EpochClock = epochClock(captureClockAnchor());
