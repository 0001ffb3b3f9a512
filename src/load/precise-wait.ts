// Waiting until an event's intended send time, to well under a millisecond.
//
// setTimeout alone fires a millisecond or more late (and, with fractional delays, sometimes
// early). So: a timer for all but the last FINE_MS, one event-loop turn so responses that arrived
// meanwhile are processed, then Atomics.wait for the remainder: the thread sleeps in the kernel on
// a high-resolution timeout and wakes about 0.1 ms after the target.
// Why not spin on setImmediate for the last stretch: a spinning thread burns its time slice, and
// on a busy machine the scheduler then makes it wait. Measured on the 2-core dev machine under
// load (two threads waiting 10 ms apart): spin p99 lateness 10–65 ms, Atomics.wait 2–4 ms.
// The cost: I/O callbacks wait at most FINE_MS while the thread sleeps, so an ack may be stamped
// up to that late (never early); at the poller's resolution that is noise.

import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.js';

const FINE_MS = 2;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Resolves at `atMs` (or at once when aborted). Always yields at least one event-loop turn, even
 * when already late, so a sender that has fallen behind still processes responses between sends.
 */
export async function waitUntil(
  atMs: number,
  clock: Pick<Clock, 'now'>,
  signal?: AbortSignal,
): Promise<void> {
  const remaining = atMs - clock.now();
  if (remaining > FINE_MS) {
    try {
      await sleep(remaining - FINE_MS, undefined, signal ? { signal } : {});
    } catch {
      return; // aborted: the caller checks its signal
    }
  }
  await nextTurn();
  const rest = atMs - clock.now();
  // Nobody ever notifies `sleeper`: the wait always runs to its timeout.
  if (rest > 0 && !signal?.aborted) Atomics.wait(sleeper, 0, 0, rest);
}

/** Abortable sleep for retry back-off; resolves early (not rejects) when aborted. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch {
    // aborted
  }
}
