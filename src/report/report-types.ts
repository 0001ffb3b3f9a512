// The report contract (report.json). Versioned: readers check `schemaVersion`, and any change
// that removes or re-means a field bumps it. Times of day are ISO strings, durations and
// latencies milliseconds, rates events/second, shares fractions. No secret is ever part of it:
// the target appears as kind, URLs and project id only.

import type { RunShard } from '../load/shard-spec.js';
import type { CostFigures } from '../measure/measure-cost.js';
import type { EventClass } from '../scenario/scenario.js';
import type { SlaResult, Verdict } from '../verdict/evaluate-sla.js';

export const REPORT_SCHEMA_VERSION = 1;

export type LatencyMetric = 'ack' | 'sendDelay' | 'visible';
export const LATENCY_METRICS: readonly LatencyMetric[] = ['ack', 'sendDelay', 'visible'];
export type LatencyScope = 'all' | EventClass;
export const LATENCY_SCOPES: readonly LatencyScope[] = ['all', 'anonymous', 'identified'];

export interface LatencyFigures {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly count: number;
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
  /** acknowledged − visible */
  readonly lost: number;
  /** rows − distinct uuids */
  readonly duplicates: number;
  /** Seen by the query API although capture did not acknowledge them. */
  readonly visibleUnacknowledged: number;
  /** Over measured phases: planned events/s and sent events/s. */
  readonly rate: { readonly target: number; readonly achieved: number };
}

export interface TimelineSecond {
  /** Whole seconds since the plan's start (event 0's intended time). */
  readonly second: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly visible: number;
  readonly errors: number;
}

export interface ObservationSummary {
  readonly method: 'exact' | 'probe';
  readonly pollIntervalMs: number;
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
  /** A shard's report: which shard of which run (`run --shard i/n --run-id ID`). */
  readonly shard?: RunShard;
  /** A merged report (`ingestbench merge`): the shards it was built from, and those it lacks. */
  readonly merged?: MergedFrom;
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
     * created_at − intended send time, by the target's clock (PostHog's ingestion sets created_at):
     * a second figure beside `visible`, free of poll resolution but not of clock skew. Present when
     * the target returns created_at.
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
}
