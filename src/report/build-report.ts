// Build the report from everything a run produced: the plan, the load side's counters and
// histograms, the ledger after the drain, the observation, and (when measured) the cost. Pure:
// the same inputs give the same report, byte for byte, except `node` and the version.
// Every field is picked by name: inputs carry secrets (the target's token and personal key live
// beside its URLs) and a spread would carry them into report.json.

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { HistogramKey } from '../core/latency-histogram.js';
import type { Ledger } from '../load/ledger.js';
import type { LoadPlan } from '../load/plan-load.js';
import type { LoadResult } from '../load/run-load.js';
import { accountLedger, type ClassAccount } from '../observe/account-ledger.js';
import { countsTimeline } from '../measure/counts-timeline.js';
import { ledgerTimeline } from '../measure/lag-timeline.js';
import { lagTrend } from '../measure/lag-trend.js';
import { latencySummary } from '../measure/latency-summary.js';
import { NO_SKEW } from '../core/skew-tally.js';
import { visibleLatency } from '../measure/visible-latency.js';
import type { CountsObservation, ObservationResult } from '../observe/observation-result.js';
import type { QueryLimits } from '../observe/query-budget.js';
import { IngestbenchError } from '../errors.js';
import { EVENT_CLASSES, type EventClass, type Scenario } from '../scenario/scenario.js';
import type { SlaResult } from '../verdict/evaluate-sla.js';
import { publicUrl } from '../public-url.js';
import { ingestbenchVersion } from './ingestbench-version.js';
import {
  LATENCY_SCOPES,
  REPORT_SCHEMA_VERSION,
  type BudgetLimits,
  type ClassTotals,
  type CostReport,
  type CountsObservationSummary,
  type LatencyFigures,
  type LatencyScope,
  type PreflightSummary,
  type Report,
  type RunStop,
} from './report-types.js';

export interface ReportInputs {
  readonly runId: string;
  readonly scenario: Scenario;
  readonly target: {
    readonly kind: string;
    readonly captureUrl: string;
    readonly queryUrl: string;
    readonly projectId: string;
  };
  readonly plan: LoadPlan;
  /** The per-event ledger (exact observation); null in counts observation, which keeps none. */
  readonly ledger: Ledger | null;
  readonly load: LoadResult;
  readonly observation: ObservationResult;
  /** Why this observation method ran (see observe/choose-method.ts). */
  readonly methodReason?: string;
  readonly partial: boolean;
  readonly workers: number;
  readonly cost?: CostReport | null;
  /** SLA results when already evaluated; else empty, and the caller sets `sla` and `verdict`. */
  readonly sla?: readonly SlaResult[];
  readonly ingestbenchVersion?: string;
  readonly nodeVersion?: string;
  readonly stop?: RunStop | null;
  readonly preflight?: PreflightSummary | null;
  readonly notes?: readonly string[];
  /** A shard's budget: its share of the key's limits (observe/shard-budget.ts). */
  readonly budgetShard?: { readonly index: number; readonly count: number; readonly key: QueryLimits } | null;
}

export function buildReport(inputs: ReportInputs): Report {
  const { scenario, plan, load, observation, ledger } = inputs;
  // Counts observation brings its own account, visible histograms and per-bucket timeline data
  // (no per-event ledger); exact observation its straggler, foreign-uuid and created_at figures.
  const counts = observation.method === 'counts' ? observation : null;
  const exact = observation.method === 'exact' ? observation : null;
  const account = counts
    ? countsAccount(counts)
    : accountLedger(requireLedger(ledger), observation.perClass, observation.complete);
  const measuredMs =
    scenario.phases.filter((p) => p.measured).reduce((sum, p) => sum + p.durationMs, 0) || plan.durationMs;
  const totalsOf = (a: ClassAccount): ClassTotals => ({
    planned: a.planned,
    sent: a.sent,
    acknowledged: a.acknowledged,
    rejected: a.rejected,
    dropped: a.dropped,
    failed: a.failed,
    visible: a.visible,
    lost: a.lost,
    unverified: a.unverified,
    duplicates: a.duplicates,
    visibleUnacknowledged: a.visibleUnacknowledged,
    rate:
      measuredMs > 0
        ? { target: a.measuredPlanned / (measuredMs / 1000), achieved: a.measuredSent / (measuredMs / 1000) }
        : { target: 0, achieved: 0 },
  });

  const visible = counts ? null : visibleLatency(requireLedger(ledger));
  const timeline = counts
    ? countsTimeline(counts.timeline, load.timeline)
    : ledgerTimeline(requireLedger(ledger), load.startedAt, load.timeline);
  const figures = (encoded: string, extra: { resolutionMs?: number } = {}): LatencyFigures => ({
    ...latencySummary(encoded),
    unit: 'ms',
    ...extra,
    histogram: encoded,
  });
  const byScope = (
    encoded: (scope: LatencyScope) => string,
    extra: { resolutionMs?: number } = {},
  ): Record<LatencyScope, LatencyFigures> =>
    Object.fromEntries(LATENCY_SCOPES.map((scope) => [scope, figures(encoded(scope), extra)])) as Record<
      LatencyScope,
      LatencyFigures
    >;
  const visibleEncoded = (counts?.visibleHistograms ??
    Object.fromEntries(
      LATENCY_SCOPES.map((scope) => [scope, encodeIntoCompressedBase64(visible!.histograms[scope])]),
    )) as Record<HistogramKey, string>;

  const sla = inputs.sla ?? [];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: {
      id: inputs.runId,
      scenario: { name: scenario.name, file: scenario.source },
      target: {
        kind: inputs.target.kind,
        captureUrl: publicUrl(inputs.target.captureUrl),
        queryUrl: publicUrl(inputs.target.queryUrl),
        projectId: inputs.target.projectId,
      },
      startedAt: new Date(load.startedAt).toISOString(),
      endedAt: new Date(Math.max(load.endedAt, observation.endedAt)).toISOString(),
      seed: scenario.seed,
      workers: inputs.workers,
      partial: inputs.partial,
      ingestbenchVersion: inputs.ingestbenchVersion ?? ingestbenchVersion(),
      node: inputs.nodeVersion ?? process.version,
      plan: {
        planned: plan.planned,
        durationMs: plan.durationMs,
        targetRate: plan.targetRate,
        fullSpeed: plan.fullSpeed,
      },
      stop: inputs.stop ? { reason: inputs.stop.reason, detail: inputs.stop.detail } : null,
      ...(plan.shard
        ? { shard: { index: plan.shard.index, count: plan.shard.count, runId: plan.shard.runId } }
        : {}),
    },
    totals: totalsOf(account.total),
    classes: Object.fromEntries(EVENT_CLASSES.map((c) => [c, totalsOf(account[c])])) as Report['classes'],
    latency: {
      ack: byScope((s) => load.histograms.ack[s]),
      sendDelay: byScope((s) => load.histograms.sendDelay[s]),
      visible: byScope((s) => visibleEncoded[s], { resolutionMs: observation.resolutionMs }),
      ...(exact?.created ? { created: byScope((s) => exact.created![s]) } : {}),
    },
    timeline,
    errors: { ...load.errors },
    requests: {
      sent: load.requests.sent,
      ok: load.requests.ok,
      failed: load.requests.failed,
      retries: load.retries,
    },
    observation: {
      method: observation.method,
      pollIntervalMs: observation.pollIntervalMs,
      requestedPollIntervalMs: observation.requestedPollIntervalMs,
      pollStretch: observation.pollStretch,
      resolutionMs: observation.resolutionMs,
      polls: observation.polls,
      queries: observation.queries,
      throttled: observation.throttled,
      errors: observation.errors,
      drained: observation.drained,
      drainTimeoutMs: scenario.observation.drainTimeoutMs,
      // Counts observation chases no stragglers and reads no uuids but the drill-down's.
      seenAsStragglers: exact?.seenAsStragglers ?? 0,
      foreignUuids: exact?.foreignUuids ?? 0,
      countsSource: observation.countsSource,
      endReason: observation.endReason,
      endDetail: observation.endDetail,
      complete: observation.complete,
      budget: {
        ...budgetLimits(observation.budget.limits),
        peakPerMinute: observation.budget.peakPerMinute,
        peakPerHour: observation.budget.peakPerHour,
        ...(inputs.budgetShard
          ? {
              shard: {
                index: inputs.budgetShard.index,
                count: inputs.budgetShard.count,
                key: budgetLimits(inputs.budgetShard.key),
              },
            }
          : {}),
      },
      rowsRead: observation.rowsRead,
      pages: observation.pages,
      ...(inputs.methodReason === undefined ? {} : { methodReason: inputs.methodReason }),
      ...(counts ? { counts: countsSummary(counts) } : {}),
    },
    sla: [...sla],
    verdict: sla.every((r) => r.pass) ? 'pass' : 'fail',
    cost: inputs.cost ?? null,
    lagTrend: lagTrend(timeline, scenario.phases, observation.resolutionMs),
    clockSkew: {
      ack: load.histograms.skew.ack,
      sendDelay: load.histograms.skew.sendDelay,
      // Counts latencies are upper bounds from the observer's own clock: never negative.
      visible: visible?.skew ?? NO_SKEW,
      created: exact?.createdSkew ?? NO_SKEW,
    },
    preflight: inputs.preflight
      ? { probeLatencyMs: inputs.preflight.probeLatencyMs, probesSent: inputs.preflight.probesSent }
      : null,
    ...(load.workload ? { workload: load.workload } : {}),
    notes: [...(inputs.notes ?? [])],
  };
}

function requireLedger(ledger: Ledger | null): Ledger {
  if (!ledger) throw new IngestbenchError('INTERNAL', 'exact observation needs the per-event ledger');
  return ledger;
}

/** The counts observer's per-class account, with the total the report's rows need. */
function countsAccount(o: CountsObservation): Record<EventClass, ClassAccount> & { total: ClassAccount } {
  const byClass = { anonymous: { ...o.account.anonymous }, identified: { ...o.account.identified } };
  const total = { ...byClass.anonymous };
  for (const key of Object.keys(total) as (keyof ClassAccount)[]) total[key] += byClass.identified[key];
  return { ...byClass, total };
}

function countsSummary(o: CountsObservation): CountsObservationSummary {
  const d = o.drillDown;
  return {
    bucketMs: o.bucketMs,
    rowsFetched: o.rowsFetched,
    drillDown: {
      shortBuckets: d.shortBuckets,
      bucketsRead: d.bucketsRead,
      queries: d.queries,
      named: d.named,
      unnamed: d.unnamed,
      lost: d.lost.map((e) => ({
        uuid: e.uuid,
        worker: e.worker,
        seq: e.seq,
        globalSeq: e.globalSeq,
        intendedAt: new Date(e.intendedMs).toISOString(),
      })),
      note: d.note,
    },
  };
}

/** Limits as the report keeps them: Infinity is not JSON, so no hourly window is null. */
export function budgetLimits(limits: QueryLimits): BudgetLimits {
  // Infinity is not JSON: no window (self-hosted, or no minute or hourly window) is null.
  return {
    perMinute: Number.isFinite(limits.perMinute) ? limits.perMinute : null,
    perHour: Number.isFinite(limits.perHour) ? limits.perHour : null,
    concurrent: limits.concurrent,
  };
}
