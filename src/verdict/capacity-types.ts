// The capacity figures: for each event class, the highest rate the target sustains and how it was
// found (every step the search ran), plus the ratio anonymous ÷ identified. Rates are events/s,
// latencies milliseconds, CPU microseconds per event.

import type { EventClass } from '../scenario/scenario.js';

/** What stopped the search going higher: the target failed, or this machine could send no more. */
export type LimitedBy = 'target' | 'generator';

/** Why a step was run: part of the search, or a latency profile at a share of the capacity. */
export type StepRole = 'search' | 'profile';

/** What one class-pure step at one offered rate measured. */
export interface StepMeasurement {
  /** Offered (planned) rate, events/s. */
  readonly rate: number;
  readonly durationMs: number;
  readonly planned: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly dropped: number;
  /** Events in requests capture refused or that failed on the network. */
  readonly errors: number;
  readonly visible: number;
  /** Acknowledged events not visible when the step's drain ended. */
  readonly unseen: number;
  /** Sent events/s over the step. */
  readonly achievedRate: number;
  readonly sendDelayP99Ms: number | null;
  readonly ackP99Ms: number | null;
  /**
   * How long capture may take to answer before the in-flight cap binds at this rate (Little's
   * law: workers × max_in_flight requests of batch_size events, at `rate`), ms; null when unknown.
   */
  readonly inFlightBoundMs: number | null;
  readonly visibleP50Ms: number | null;
  readonly visibleP99Ms: number | null;
  readonly visibleMaxMs: number | null;
  /** How much a visible figure may overstate (the effective poll interval). */
  readonly resolutionMs: number;
  /**
   * The lag the step added from its first measured event to its last: the least-squares trend
   * of visible latency against intended time, times the step's duration (capacity/lag-growth.ts).
   * A target offered 1.2× what it processes shows 0.2 × the duration; null with too few events.
   */
  readonly lagGrowthMs: number | null;
  /** The target's ingestion CPU per event of this class (its own counters); null without metrics. */
  readonly cpuMicrosPerEvent: number | null;
  /** All target processes' CPU (capture + ingestion) per event; null without metrics. */
  readonly processCpuMicrosPerEvent: number | null;
}

export interface StepVerdict {
  readonly pass: boolean;
  /** Who failed the step; null when it passed. */
  readonly failedBy: LimitedBy | null;
  /** One line per failed criterion, for humans. */
  readonly reasons: readonly string[];
}

export interface CapacityStep extends StepMeasurement, StepVerdict {
  readonly role: StepRole;
}

export interface LatencyAtLoad {
  /** Share of the sustainable rate (0.5, 0.8, 1). */
  readonly share: number;
  readonly rate: number;
  readonly visibleP50Ms: number | null;
  readonly visibleP99Ms: number | null;
}

export interface ClassCapacity {
  /** Best passing rate, events/s; null when not even the lowest step passed. */
  readonly sustainable: number | null;
  /** Lowest failing rate, events/s; null when nothing failed (generator-limited). */
  readonly failedAt: number | null;
  /** `generator`: the real capacity is at least `sustainable`, more than this machine can send. */
  readonly limitedBy: LimitedBy;
  /** failedAt ≤ sustainable × (1 + resolution): the knee lies within one step. */
  readonly resolved: boolean;
  /** The highest rate the load generator could offer (measured or given). */
  readonly generatorCeiling: number;
  readonly latency: readonly LatencyAtLoad[];
  /** At the sustainable rate; null without target metrics. */
  readonly cpuMicrosPerEvent: number | null;
  readonly processCpuMicrosPerEvent: number | null;
  readonly steps: readonly CapacityStep[];
}

export interface CapacityFigures {
  readonly classes: Partial<Record<EventClass, ClassCapacity>>;
  /** anonymous.sustainable ÷ identified.sustainable; null unless both were measured. */
  readonly ratio: number | null;
  /**
   * How to read the ratio: `exact` when both classes were target-limited; `atLeast` when only
   * anonymous was generator-limited (its real capacity is higher); `atMost` when only identified
   * was; `unknown` when both were.
   */
  readonly ratioBound: 'exact' | 'atLeast' | 'atMost' | 'unknown' | null;
  /** identified ÷ anonymous CPU per event at each class's sustainable rate; null without metrics. */
  readonly cpuRatio: number | null;
  readonly criteria: StepCriteria;
  /** The whole search's queries against the personal API key's limits (one budget for every step). */
  readonly queries: SearchQueries;
}

/** Queries the search sent with the key (every step's preflight, probe and polls), and its limits. */
export interface SearchQueries {
  readonly sent: number;
  /** Answered 429 by the target. */
  readonly throttled: number;
  /** The most queries any sliding minute / hour of the search held. */
  readonly peakPerMinute: number;
  readonly peakPerHour: number;
  /** The key's limits (null: no minute or no hourly window, as a self-hosted PostHog has). */
  readonly perMinute: number | null;
  readonly perHour: number | null;
  readonly concurrent: number;
}

/** When a step counts as sustained. */
export interface StepCriteria {
  readonly visibleP99Ms: number;
  /** Share of sent events capture may refuse or fail. */
  readonly maxErrorShare: number;
  readonly maxSendDelayP99Ms: number;
  /** Lowest achieved ÷ offered rate. */
  readonly minAchievedShare: number;
  /**
   * Capture answering slower than this (ack p99 − send delay p99) points at the target, not the
   * generator, when the load lags.
   */
  readonly maxAckP99Ms: number;
  /** Lag may grow by at most this share of the step's duration (or two poll resolutions). */
  readonly maxLagGrowthShare: number;
}
