// Waiting until an event's intended send time, to well under a millisecond. setTimeout alone
// fires a millisecond or more late; spinning alone burns a core and starves I/O. So: a timer for
// all but the last SPIN_MS, then setImmediate turns (each lets the event loop poll sockets, so
// responses keep flowing) until the time arrives.

import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** Unix time in fractional milliseconds. Injectable so tests and benches control time. */
export interface Clock {
  now(): number;
}

/** performance.now() is monotonic and sub-millisecond; timeOrigin anchors it to unix time. */
export const systemClock: Clock = { now: () => performance.timeOrigin + performance.now() };

const SPIN_MS = 2;

/**
 * Resolves at `atMs` (or at once when aborted). Always yields at least one event-loop turn, even
 * when already late, so a sender that has fallen behind still processes responses between sends.
 */
export async function waitUntil(atMs: number, clock: Clock, signal?: AbortSignal): Promise<void> {
  const remaining = atMs - clock.now();
  if (remaining > SPIN_MS) {
    try {
      await sleep(remaining - SPIN_MS, undefined, signal ? { signal } : {});
    } catch {
      return; // aborted: the caller checks its signal
    }
  }
  do {
    await nextTurn();
  } while (clock.now() < atMs && !signal?.aborted);
}

/** Abortable sleep for retry back-off; resolves early (not rejects) when aborted. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch {
    // aborted
  }
}
