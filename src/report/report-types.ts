// The report contract (report.json). Versioned: readers check `schemaVersion`, and any change
// that removes or re-means a field bumps it. Times of day are ISO strings, durations and
// latencies milliseconds, rates events/second, shares fractions. No secret is ever part of it:
// the target appears as kind, URLs and project id only.

import type { TimelineSecond } from '../measure/lag-timeline.js';
import type { LatencySummary } from '../measure/latency-summary.js';
import type { LagTrends } from '../measure/lag-trend.js';
import type { RunShard } from '../load/shard-spec.js';
import type { WorkloadFigures } from '../load/workload-skew.js';
import type { CostFigures } from '../measure/measure-cost.js';
import type { SkewFigures } from '../core/skew-tally.js';
import type { ObservationEnd } from '../observe/observation-result.js';
import type { EventClass } from '../scenario/scenario.js';
import type { SlaResult, Verdict } from '../verdict/evaluate-sla.js';

// 2: the SLA metric rate.achieved is events/s (was a share: now rate.achieved_share); run.stop,
// preflight and notes added.
export const REPORT_SCHEMA_VERSION = 2;

export type LatencyMetric = 'ack' | 'sendDelay' | 'visible';
export const LATENCY_METRICS: readonly LatencyMetric[] = ['ack', 'sendDelay', 'visible'];
export type LatencyScope = 'all' | EventClass;
export const LATENCY_SCOPES: readonly LatencyScope[] = ['all', 'anonymous', 'identified'];

/** A latency summary as report.json gives it: the percentiles in milliseconds. */
export interface LatencyFigures extends LatencySummary {
  readonly unit: 'ms';
  /** Visible latency only: how much a figure may overstate (the effective poll interval). */
  readonly resolutionMs?: number;
  /** The hdr-histogram-js histogram (µs), encodeIntoCompressedBase64: merge or re-read it later. */
  readonly histogram: string;
}

export interface ClassTotals {
  readonly planned: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly failed: number;
  readonly visible: number;
  /** acknowledged − visible, when observation ran its course (checked and not seen) */
  readonly lost: number;
  /** acknowledged − visible, when observation ended early (budget exhausted, query API lost, interrupted): not checked */
  readonly unverified: number;
  /** rows − distinct uuids */
  readonly duplicates: number;
  /** Seen by the query API although capture did not acknowledge them. */
  readonly visibleUnacknowledged: number;
  /** Over measured phases: planned events/s and sent events/s. */
  readonly rate: { readonly target: number; readonly achieved: number };
}

/** One second of the run, all classes and per class with visible p50/p99: see measure/lag-timeline.ts. */
export type { TimelineSecond, TimelineClassSecond } from '../measure/lag-timeline.js';
/** Whether visible p50 grew over the steady phase (least-squares slope): see measure/lag-trend.ts. */
export type { LagTrend, LagTrends } from '../measure/lag-trend.js';
/** Negative latencies (a time stamped before the time it follows): counted, never recorded. */
export type { SkewFigures } from '../core/skew-tally.js';

export interface ObservationSummary {
  readonly method: 'exact' | 'counts';
  /** Why this method ran (observation.method, or what `auto` weighed). */
  readonly methodReason?: string;
  /** Counts observation only: its bucket width, rows fetched, and the drill-down into lost events. */
  readonly counts?: CountsObservationSummary;
  readonly pollIntervalMs: number;
  /** The scenario's poll_interval; pollIntervalMs is longer when the query budget needed it. */
  readonly requestedPollIntervalMs: number;
  /** Why the interval was stretched (e.g. to fit 2,400 queries/hour over the run), or null. */
  readonly pollStretch: string | null;
  readonly resolutionMs: number;
  readonly polls: number;
  readonly queries: number;
  readonly throttled: number;
  readonly errors: number;
  readonly drained: boolean;
  readonly drainTimeoutMs: number;
  /** Events first seen by the straggler chase (coarser figures than the rest). */
  readonly seenAsStragglers: number;
  /** Rows carrying this run's id whose uuid the run did not generate. */
  readonly foreignUuids: number;
  /** Where rows and duplicates came from: the exact count query, or the poller's own tally. */
  readonly countsSource: 'query' | 'poller';
  /**
   * How observation ended: 'drained' | 'drain timeout' (complete: unseen events are lost) or
   * 'stopped' | 'query budget exhausted' | 'query API unreachable' | 'query refused' | 'query API refusing' (incomplete:
   * unseen events are unverified), with what ended it in words.
   */
  readonly endReason: ObservationEnd;
  readonly endDetail: string | null;
  readonly complete: boolean;
  /** The query budget (limits) and the most queries any sliding minute and hour used. */
  readonly budget: {
    /** null: no window (a self-hosted deployment has no throttle). */
    readonly perMinute: number | null;
    readonly perHour: number | null;
    readonly concurrent: number;
    readonly peakPerMinute: number;
    readonly peakPerHour: number;
    /**
     * A shard's report: the limits above are its share, 1/count of the key's (rounded down, at
     * least 1), as every shard of the run queries with the same personal API key.
     */
    readonly shard?: { readonly index: number; readonly count: number; readonly key: BudgetLimits };
    /**
     * A merged report of shards: the limits above are the key's, the peaks the sum of the shards'
     * peaks: an upper bound on the key's busiest minute and hour, as the shards' busiest windows
     * need not coincide. The busiest shard's peaks are the lower bound.
     */
    readonly summedPeaks?: {
      readonly shards: number;
      readonly perMinuteAtLeast: number;
      readonly perHourAtLeast: number;
    };
  };
  /** Rows the query API returned (re-reads included) and pages read: the observation's cost. */
  readonly rowsRead: number;
  readonly pages: number;
}

/** A query budget's limits as a report stores them (no hourly window: null, as Infinity is not JSON). */
export interface BudgetLimits {
  /** null: no minute window (cloud-legacy, self-hosted). */
  readonly perMinute: number | null;
  readonly perHour: number | null;
  readonly concurrent: number;
}

export interface CountsObservationSummary {
  readonly bucketMs: number;
  readonly rowsFetched: number;
  readonly drillDown: {
    readonly shortBuckets: number;
    readonly bucketsRead: number;
    readonly queries: number;
    readonly named: number;
    readonly unnamed: number;
    /** The first lost events by name (uuid, worker, seq, ingestbench_seq, intended time). */
    readonly lost: readonly {
      readonly uuid: string;
      readonly worker: number;
      readonly seq: number;
      readonly globalSeq: number;
      readonly intendedAt: string;
    }[];
    readonly note: string | null;
  };
}

/**
 * Processing cost per class from the target's own counters (CPU per event per class and their
 * ratio), when the target exposes them: see measure/measure-cost.ts.
 */
export type CostReport = CostFigures;

export interface RunInfo {
  readonly id: string;
  readonly scenario: { readonly name: string; readonly file: string };
  readonly target: {
    readonly kind: string;
    readonly captureUrl: string;
    readonly queryUrl: string;
    readonly projectId: string;
  };
  readonly startedAt: string;
  readonly endedAt: string;
  readonly seed: number;
  readonly workers: number;
  readonly partial: boolean;
  readonly ingestbenchVersion: string;
  readonly node: string;
  readonly plan: {
    readonly planned: number;
    readonly durationMs: number;
    readonly targetRate: number;
    readonly fullSpeed: boolean;
  };
  /** Why the run ended before its schedule did; null when it ran to the end. */
  readonly stop: RunStop | null;
  /** A shard's report: which shard of which run (`run --shard i/n --run-id ID`). */
  readonly shard?: RunShard;
  /** A merged report (`ingestbench merge`): the shards it was built from, and those it lacks. */
  readonly merged?: MergedFrom;
}

export interface RunStop {
  /** interrupted: SIGINT/SIGTERM; load-failed: a load worker failed; target-lost: capture stopped answering. */
  readonly reason: 'interrupted' | 'load-failed' | 'target-lost';
  readonly detail: string;
}

/** The probe event sent before the load (proof of the token): its round trip through the target. */
export interface PreflightSummary {
  /** From sending the probe until the query API returned it, ms. */
  readonly probeLatencyMs: number;
  /** Probe events sent (more than 1 when one was resent while waiting). */
  readonly probesSent: number;
}

export interface MergedFrom {
  readonly count: number;
  /** Shard indexes (1-based) whose reports were merged. */
  readonly present: readonly number[];
  readonly missing: readonly number[];
  /** Present but partial (interrupted) shards. */
  readonly partial: readonly number[];
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly run: RunInfo;
  readonly totals: ClassTotals;
  readonly classes: Readonly<Record<EventClass, ClassTotals>>;
  readonly latency: Readonly<Record<LatencyMetric, Readonly<Record<LatencyScope, LatencyFigures>>>> & {
    /**
     * created_at − intended send time, by the target's clock: created_at is the ingestion worker's
     * time (it excludes the hop into ClickHouse), a second figure beside `visible`, free of poll
     * resolution but not of clock skew. Present when the target returns created_at.
     */
    readonly created?: Readonly<Record<LatencyScope, LatencyFigures>>;
  };
  readonly timeline: readonly TimelineSecond[];
  /** Failed HTTP attempts by kind ('http_429', 'timeout', …). */
  readonly errors: Readonly<Record<string, number>>;
  readonly requests: {
    readonly sent: number;
    readonly ok: number;
    readonly failed: number;
    readonly retries: number;
  };
  readonly observation: ObservationSummary;
  readonly sla: readonly SlaResult[];
  readonly verdict: Verdict;
  readonly cost: CostReport | null;
  /** Per class: the least-squares trend of the per-second visible p50 over the steady phase. */
  readonly lagTrend: LagTrends;
  /**
   * Negative latencies by metric (created_at before the intended time, …): clock skew between
   * the stamps, counted with the worst value and kept out of the percentiles.
   */
  readonly clockSkew: Readonly<Record<LatencyMetric | 'created', SkewFigures>>;
  /** null when the run had no probe preflight (reports built outside runScenario). */
  readonly preflight: PreflightSummary | null;
  /**
   * How skewed the generated users were and how many sessions the events came in (from the
   * generators' own counts). Absent in reports that predate it or were built without a load.
   */
  readonly workload?: WorkloadFigures;
  /** What a reader must know about missing figures (e.g. a failed metrics scrape: no cost figures). */
  readonly notes: readonly string[];
}
