// Compare a candidate run with a baseline (`ingestbench compare`, `run --baseline`): per class,
// side by side, with a verdict per judged metric. Pure: two reports and the limits in, rows out.
//
// Latencies are read from the encoded HDR histograms each report keeps, not from its stored
// percentiles, so a merged or hand-edited summary cannot disagree with the data it summarises.
// Counts and shares come from the same lookup the SLA uses (report-metrics.ts).

import { latencySummary } from '../measure/latency-summary.js';
import type { SlaUnit } from '../scenario/sla-metrics.js';
import { slaMetric } from '../scenario/sla-metrics.js';
import { metricLookup } from './report-metrics.js';
import {
  LATENCY_METRICS,
  LATENCY_SCOPES,
  type LatencyMetric,
  type LatencyScope,
  type Report,
} from './report-types.js';
import {
  LATENCY_NOISE_FLOOR_MS,
  lowerIsWorse,
  type RegressionLimit,
  type RegressionLimits,
} from './regression-limits.js';

export type RowStatus = 'ok' | 'regression' | 'improved' | 'not judged' | 'not measured';

export interface ComparisonRow {
  /** 'run' for the metrics without a class (capture.error_share, rate.*). */
  readonly scope: LatencyScope | 'run';
  /** Full metric path, as in SLA expressions. */
  readonly metric: string;
  readonly unit: SlaUnit;
  readonly baseline: number | null;
  readonly candidate: number | null;
  /** candidate − baseline, in the metric's unit. */
  readonly change: number | null;
  /** How far the metric may move in its worse direction (unit of the metric), when judged. */
  readonly allowed: number | null;
  readonly limit: RegressionLimit | null;
  /** What set `allowed`: the limit, or a latency's resolution / noise floor when larger. */
  readonly allowedBy: 'limit' | 'resolution' | 'noise floor' | null;
  readonly status: RowStatus;
}

export interface Comparison {
  readonly baseline: ComparedRun;
  readonly candidate: ComparedRun;
  readonly rows: readonly ComparisonRow[];
  readonly regressions: readonly ComparisonRow[];
  readonly verdict: 'pass' | 'regression';
  /** Things a reader should know (different scenarios, partial runs). */
  readonly notes: readonly string[];
}

export interface ComparedRun {
  readonly id: string;
  readonly scenario: string;
  readonly startedAt: string;
  readonly partial: boolean;
  /** Visible latency resolution, ms. */
  readonly resolutionMs: number;
}

/** Shown for each scope even when not judged, in this order. */
const SCOPED_ROWS = [
  'visible.p50',
  'visible.p90',
  'visible.p99',
  'visible.max',
  'ack.p50',
  'ack.p99',
  'sendDelay.p99',
  'lost_share',
  'lost',
  'unverified',
  'duplicates',
];
/** rate.achieved is events/s, rate.achieved_share the share of the target rate (report schema 2). */
const RUN_ROWS = ['capture.error_share', 'rate.achieved', 'rate.achieved_share'];

export function compareReports(baseline: Report, candidate: Report, limits: RegressionLimits): Comparison {
  const values = { baseline: valuesOf(baseline), candidate: valuesOf(candidate) };
  const resolution = Math.max(resolutionOf(baseline), resolutionOf(candidate));
  const paths: { scope: LatencyScope | 'run'; metric: string }[] = [];
  for (const scope of LATENCY_SCOPES) {
    const prefix = scope === 'all' ? '' : `${scope}.`;
    const judged = [...limits.keys()].filter(
      (p) => scopeOf(p) === scope && !SCOPED_ROWS.includes(p.slice(prefix.length)),
    );
    for (const name of [...SCOPED_ROWS.map((n) => `${prefix}${n}`), ...judged]) {
      paths.push({ scope, metric: name });
    }
  }
  for (const name of RUN_ROWS) paths.push({ scope: 'run', metric: name });

  const rows = paths.map(({ scope, metric }): ComparisonRow => {
    const unit = slaMetric(metric)?.unit ?? 'count';
    const b = values.baseline(metric);
    const c = values.candidate(metric);
    const limit = limits.get(metric) ?? null;
    const change = b === null || c === null ? null : c - b;
    const judged = limit === null || b === null ? null : allowedChange(metric, unit, b, limit, resolution);
    const allowed = judged?.allowed ?? null;
    return {
      scope,
      metric,
      unit,
      baseline: b,
      candidate: c,
      change,
      allowed,
      limit,
      allowedBy: judged?.by ?? null,
      status: statusOf(metric, change, allowed, limit),
    };
  });
  const regressions = rows.filter((r) => r.status === 'regression');
  const notes: string[] = [];
  if (baseline.run.scenario.name !== candidate.run.scenario.name) {
    notes.push(
      `the runs are of different scenarios (baseline ${baseline.run.scenario.name}, candidate ${candidate.run.scenario.name}): their figures may not be comparable`,
    );
  }
  for (const [name, r] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as const) {
    if (r.run.partial) notes.push(`the ${name} run is partial (interrupted or missing shards)`);
    if (r.totals.unverified > 0) {
      notes.push(
        `the ${name} run has ${r.totals.unverified} unverified events (observation ended early: ${r.observation.endDetail ?? r.observation.endReason}): its loss is not fully known`,
      );
    }
  }
  return {
    baseline: describe(baseline),
    candidate: describe(candidate),
    rows,
    regressions,
    verdict: regressions.length > 0 ? 'regression' : 'pass',
    notes,
  };
}

function describe(report: Report): ComparedRun {
  return {
    id: report.run.id,
    scenario: report.run.scenario.name,
    startedAt: report.run.startedAt,
    partial: report.run.partial,
    resolutionMs: resolutionOf(report),
  };
}

function resolutionOf(report: Report): number {
  return report.latency.visible.all.resolutionMs ?? report.observation.resolutionMs;
}

function scopeOf(path: string): LatencyScope | 'run' {
  if (path.startsWith('capture.') || path.startsWith('rate.')) return 'run';
  if (path.startsWith('anonymous.')) return 'anonymous';
  if (path.startsWith('identified.')) return 'identified';
  return 'all';
}

/** Metric values of a report, latencies decoded from its histograms (once per histogram). */
function valuesOf(report: Report): (path: string) => number | null {
  const lookup = metricLookup(report);
  const summaries = new Map<string, ReturnType<typeof latencySummary>>();
  return (path) => {
    const match = /^(?:(anonymous|identified)\.)?(visible|ack|sendDelay)\.(p50|p90|p99|p999|max)$/.exec(path);
    if (!match) return lookup(path);
    const scope = (match[1] ?? 'all') as LatencyScope;
    const metric = match[2] as LatencyMetric;
    if (!LATENCY_METRICS.includes(metric)) return null;
    const key = `${scope}.${metric}`;
    let summary = summaries.get(key);
    if (summary === undefined) {
      summary = latencySummary(report.latency[metric][scope].histogram);
      summaries.set(key, summary);
    }
    return summary[match[3] as 'p50'];
  };
}

/** The largest move in the worse direction that is still not a regression. */
function allowedChange(
  metric: string,
  unit: SlaUnit,
  baseline: number,
  limit: RegressionLimit,
  resolutionMs: number,
): { allowed: number; by: NonNullable<ComparisonRow['allowedBy']> } {
  const byLimit = limit.kind === 'relative' ? Math.abs(baseline) * limit.value : limit.value;
  if (unit !== 'ms') return { allowed: byLimit, by: 'limit' };
  const visible = /(^|\.)visible\./.test(metric);
  const floor = visible ? resolutionMs : LATENCY_NOISE_FLOOR_MS;
  return byLimit >= floor
    ? { allowed: byLimit, by: 'limit' }
    : { allowed: floor, by: visible ? 'resolution' : 'noise floor' };
}

function statusOf(
  metric: string,
  change: number | null,
  allowed: number | null,
  limit: RegressionLimit | null,
): RowStatus {
  if (change === null) return 'not measured';
  const worse = lowerIsWorse(metric) ? -change : change;
  if (limit === null || allowed === null) return 'not judged';
  // Float noise (0.1 + 0.2) must not turn an exact limit into a regression.
  if (worse > allowed + 1e-9 * Math.max(1, Math.abs(allowed))) return 'regression';
  if (worse < -allowed && worse < 0) return 'improved';
  return 'ok';
}
