// What a run needs of an observer, whichever the method: the exact poller (poller.ts) and counts
// observation (counts-observer.ts) both start polling when made, and end through drain() or
// stop() with their own result (observation-result.ts); stats() is what the run shows meanwhile.

import type { ObservationResult } from './observation-result.js';

export interface StopOptions {
  /** Run one last poll bounded by this many ms (count query included) before reporting. Default: none. */
  readonly finalPollMs?: number;
}

/** Observation so far, for progress lines and the live view. */
export interface ObserverStats {
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  readonly visible: number;
  /** Acknowledged events not yet seen, as the last poll found them. */
  readonly pending: number;
  /** When the last poll's answers had been read (NaN before the first). */
  readonly lastPollAt: number;
  /**
   * Intended time of the oldest acknowledged event not yet seen, as the last poll found it; NaN
   * when none. Counts observation knows buckets, not events: the start of the oldest bucket
   * whose visible count is short of its acknowledged count.
   */
  readonly oldestUnseenAt: number;
}

export interface Observer<R extends ObservationResult = ObservationResult> {
  readonly method: R['method'];
  /**
   * Poll until everything acknowledged is visible or `timeoutMs` passes (a hard bound on every
   * wait and request, the end queries included), then count and report.
   */
  drain(timeoutMs: number): Promise<R>;
  /** Stop polling (after one bounded final poll when asked), count when time allows, and report. */
  stop(options?: StopOptions): Promise<R>;
  stats(): ObserverStats;
}
