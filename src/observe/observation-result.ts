// What observation hands to the report: how it ended, what it cost, what it saw. One result per
// method over a shared base, told apart by `method`: the exact poller's (poller.ts, a row per
// event) and counts observation's (counts-observer.ts, counts per bucket). The loop both run in
// (observation-loop.ts) measures the base's polling, cost and end; each observer adds what it
// found. A file of its own so the report and the accounting read it without either loop.

import type { HistogramKey } from '../core/latency-histogram.js';
import type { CountsTimelineInput } from '../measure/counts-timeline.js';
import type { ClassAccount, ClassRowCounts } from './account-ledger.js';
import type { SkewFigures } from '../core/skew-tally.js';
import type { EventClass } from '../scenario/scenario.js';
import type { LostEvent } from './name-lost-events.js';
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

/** What the observation loop measures, whichever the method: how it polled, what it cost, how it ended. */
export interface LoopFigures {
  /** The interval polled at (after any stretch), and the one asked for. */
  readonly pollIntervalMs: number;
  readonly requestedPollIntervalMs: number;
  /** Why the interval is longer than asked for (the query budget), or null. */
  readonly pollStretch: string | null;
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  /** Polls that failed with a transient error (the loop went on). */
  readonly errors: number;
  /** Rows the query API returned over the run (re-reads included), and pages read. */
  readonly rowsRead: number;
  readonly pages: number;
  readonly budget: QueryBudgetUse;
  readonly endReason: ObservationEnd;
  /** What ended it, in words (an error message without secrets), or null. */
  readonly endDetail: string | null;
  /**
   * Observation ran its course (drained, or polled until the drain deadline). When false, the
   * acknowledged events not seen are unverified rather than lost.
   */
  readonly complete: boolean;
  /** Of the pending events, the ones observation could not check (0 when complete). */
  readonly unverified: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** What every observer finds, whichever the method. */
export interface ObserverFindings {
  readonly method: 'exact' | 'counts';
  /** Bound on how much a first-seen time may overstate (exact: see poller.ts; counts: counts-tracker.ts). */
  readonly resolutionMs: number;
  /** Every acknowledged event was seen and none was in flight when observation ended. */
  readonly drained: boolean;
  /** Acknowledged events never seen. */
  readonly pending: number;
  readonly visible: number;
  /** Where perClass came from: the final count query, or the observer's own tally when it failed. */
  readonly countsSource: 'query' | 'poller';
  readonly perClass: Record<EventClass, ClassRowCounts>;
}

/** The exact poller's findings: a row per event. */
export interface ExactFindings extends ObserverFindings {
  readonly method: 'exact';
  readonly seenAsStragglers: number;
  /** Distinct uuids in the run's rows that the run did not generate. */
  readonly foreignUuids: number;
  /**
   * created_at − intended send time (µs, encoded hdr histograms) of measured events, by the
   * target's clock: a second figure without poll resolution; null when rows carry no created_at.
   */
  readonly created: Record<HistogramKey, string> | null;
  /** created_at values before their intended time: clock skew, kept out of `created`. */
  readonly createdSkew?: SkewFigures;
}

export interface DrillDown {
  /** Buckets that ended with acknowledged events missing, and how many of them were read. */
  readonly shortBuckets: number;
  readonly bucketsRead: number;
  readonly queries: number;
  /** Lost events named (the first MAX_NAMED_LOST are listed), and lost events left unnamed. */
  readonly named: number;
  readonly unnamed: number;
  readonly lost: readonly LostEvent[];
  /** Why some lost events are not named, when some are not. */
  readonly note: string | null;
}

/** Counts observation's findings: per class and bucket, no per-event ledger. */
export interface CountsFindings extends ObserverFindings {
  readonly method: 'counts';
  readonly bucketMs: number;
  /** Rows the query API returned to polls, the final count and the drill-down (= rowsRead). */
  readonly rowsFetched: number;
  /** Per class; lost only when observation is complete, else the unseen are unverified. */
  readonly account: Record<EventClass, Readonly<ClassAccount>>;
  /** Visible-latency upper bounds of measured events (µs, encoded). */
  readonly visibleHistograms: Record<HistogramKey, string>;
  /** Per-bucket counts and latencies for the report's per-second timeline. */
  readonly timeline: CountsTimelineInput;
  readonly drillDown: DrillDown;
}

export interface ExactObservation extends LoopFigures, ExactFindings {}
export interface CountsObservation extends LoopFigures, CountsFindings {}

/** An observation's result: switch on `method` for what only one method has. */
export type ObservationResult = ExactObservation | CountsObservation;
