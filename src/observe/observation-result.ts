// What observation hands to the report: how it ended, what it cost, what it saw. A file of its own
// so the report and the accounting read it without the poller's loop.

import type { HistogramKey } from '../core/latency-histogram.js';
import type { SkewFigures } from '../core/skew-tally.js';
import type { EventClass } from '../scenario/scenario.js';
import type { QueryLimits } from './query-budget.js';

/**
 * Called as events first become visible, once per event (exact) or per bucket that grew (counts):
 * `events` newly visible, `measured` of them in measured phases with latency `latencyMs` (exact:
 * visible − intended; counts: the upper bound), seen at `atMs`. The live view counts with it.
 */
export type VisibleListener = (
  eventClass: EventClass,
  events: number,
  measured: number,
  latencyMs: number,
  atMs: number,
) => void;

export interface ClassRowCounts {
  readonly rows: number;
  readonly uuids: number;
}

/** Why observation ended. Only 'drained' and 'drain timeout' are complete observations. */
export type ObservationEnd =
  | 'drained'
  | 'drain timeout'
  | 'stopped'
  | 'query budget exhausted'
  | 'query API unreachable'
  | 'query refused'
  /** Every concurrency slot held (the organisation's API-queries quota, or the team's other queries). */
  | 'query API refusing';

export interface QueryBudgetUse {
  readonly limits: QueryLimits;
  /** The most queries any sliding minute / hour held. */
  readonly peakPerMinute: number;
  readonly peakPerHour: number;
}

export interface ObservationResult {
  /** The exact poller's: a row per event (counts observation's result says 'counts'). */
  readonly method: 'exact';
  /** The interval polled at (after any stretch), and the one asked for. */
  readonly pollIntervalMs: number;
  readonly requestedPollIntervalMs: number;
  /** Why the interval is longer than asked for (the query budget), or null. */
  readonly pollStretch: string | null;
  /** Bound on how much a first-seen time may overstate (see the file header). */
  readonly resolutionMs: number;
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  /** Polls that failed with a transient error (the loop went on). */
  readonly errors: number;
  /** Rows the query API returned over the run (re-reads included), and pages read. */
  readonly rowsRead: number;
  readonly pages: number;
  readonly budget: QueryBudgetUse;
  /** Every acknowledged event was seen and none was in flight when observation ended. */
  readonly drained: boolean;
  readonly endReason: ObservationEnd;
  /** What ended it, in words (an error message without secrets), or null. */
  readonly endDetail: string | null;
  /**
   * Observation ran its course (drained, or polled until the drain deadline). When false, the
   * acknowledged events not seen are unverified rather than lost.
   */
  readonly complete: boolean;
  /** Acknowledged events never seen. */
  readonly pending: number;
  /** Of those, the ones observation could not check (0 when complete). */
  readonly unverified: number;
  readonly visible: number;
  readonly seenAsStragglers: number;
  /** Distinct uuids in the run's rows that the run did not generate. */
  readonly foreignUuids: number;
  /** Where perClass came from: the exact count query, or the poller's own tally when it failed. */
  readonly countsSource: 'query' | 'poller';
  readonly perClass: Record<EventClass, ClassRowCounts>;
  /**
   * created_at − intended send time (µs, encoded hdr histograms) of measured events, by the
   * target's clock: a second figure without poll resolution; null when rows carry no created_at.
   */
  readonly created: Record<HistogramKey, string> | null;
  /** created_at values before their intended time: clock skew, kept out of `created`. */
  readonly createdSkew?: SkewFigures;
  readonly startedAt: number;
  readonly endedAt: number;
}
