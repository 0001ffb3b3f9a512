// Time as the poller and the query client see it. Everything that waits goes through a Clock so
// tests can drive time (a virtual clock that jumps on sleep) instead of sleeping for real.

import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  /** Unix time in milliseconds (may be fractional). */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : {});
  },
};
