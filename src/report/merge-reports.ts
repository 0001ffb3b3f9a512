// Merge the reports of a sharded run (`run --shard i/n --run-id ID`, one report per shard) into the
// run's one report. Pure: reports in, report out, no files and no clock. REPORT_RULES below says
// for every field how the shards' values combine (merge-rules.ts); in short:
//
// - Counts, requests, errors and timeline seconds are summed; rates are summed too (the shards
//   send at the same time, each a 1/n share of the run's rate).
// - Latency histograms are decoded, added and re-encoded: lossless, so every percentile of the
//   merged report is read from the merged histogram, never averaged from the shards' percentiles.
// - The SLA is judged again on the merged figures (judgeRun, as a run is). Its checks come from
//   the shards' reports (each result keeps its check's expression, metric, operator and
//   threshold), so a merge needs no scenario file and judges exactly what the shards were run
//   with; shards that disagree on their checks are refused.
// - A shard that is missing or partial is named, marks the merged report partial, and fails it.
// - Processing cost is left out (null): every shard measured the shared target's CPU over its own,
//   overlapping window, so summing the shards' figures would count the same work several times.
//   The workload figures are left out too: the top users' share of the whole run cannot be read
//   from each shard's top share.
// - Timeline and lag trend: see merge-timeline.ts (per-second percentiles are exact or null).
// - Clock skew: counts summed, the worst value kept. Observation: counts summed, intervals and
//   resolution the coarsest, complete only if every shard's was, an early end named per shard;
//   the method is the shards' (each shard's named when they differ), counts figures summed.
// - run.stop: any stopped shard is named (reason of the first); preflight: the slowest probe and
//   the probes summed; notes: every shard's, prefixed with its shard, then the merge's own.

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { isDeepStrictEqual } from 'node:util';
import { IngestbenchError } from '../errors.js';
import { latencyHistogram } from '../core/latency-histogram.js';
import { decodeHistogram, latencySummary } from '../measure/latency-summary.js';
import { mergeSkew, type SkewFigures } from '../core/skew-tally.js';
import { MAX_NAMED_LOST } from '../observe/counts-observer.js';
import type { SlaResult } from '../verdict/evaluate-sla.js';
import { judgedChecks, judgeRun } from '../verdict/judge-run.js';
import { describeLagTrend, mergeLagTrends, mergeTimelines } from './merge-timeline.js';
import {
  all,
  always,
  any,
  concatFirst,
  earliest,
  fields,
  givenFirst,
  latest,
  max,
  namedTexts,
  present,
  same,
  sum,
  sumByKey,
  RECOMPUTED,
  type MergeContext,
  type Rule,
  type Rules,
} from './merge-rules.js';
import { metricLookup } from './report-metrics.js';
import type {
  BudgetLimits,
  ClassTotals,
  CountsObservationSummary,
  LatencyFigures,
  MergedFrom,
  ObservationSummary,
  PreflightSummary,
  Report,
  RunStop,
} from './report-types.js';

export function mergeReports(reports: readonly Report[]): Report {
  const { ordered, context } = shardsOf(reports);
  const report = mergeFields(ordered, context, []);
  // A merge is partial exactly when shards are missing or stopped, which shardChecks names.
  const { sla, verdict } = judgeRun({
    checks: judgedChecks(ordered[0]!.sla),
    lookup: metricLookup(report),
    unverified: report.totals.unverified,
    observationEnd: report.observation.endDetail ?? report.observation.endReason,
    incomplete: shardChecks(context.merged),
  });
  return { ...report, sla, verdict };
}

/**
 * The shards in shard order, checked to be shards of one run, each once, judged on the same
 * checks; and what the rules know of them.
 */
function shardsOf(reports: readonly Report[]): { ordered: Report[]; context: MergeContext } {
  const first = reports[0];
  if (first === undefined) throw new IngestbenchError('USAGE', 'merge needs at least one shard report');
  const shardOf = (r: Report): NonNullable<Report['run']['shard']> => {
    if (r.run.shard) return r.run.shard;
    throw new IngestbenchError(
      'USAGE',
      `report of run ${r.run.id} is not a shard's (it was not run with --shard i/n --run-id ID): only shards of one run merge`,
    );
  };
  const { runId, count } = shardOf(first);
  const seen = new Map<number, Report>();
  for (const r of reports) {
    const s = shardOf(r);
    if (s.runId !== runId || s.count !== count) {
      throw new IngestbenchError(
        'USAGE',
        `shard ${s.index}/${s.count} of run ${s.runId} cannot merge with shards of run ${runId} (${count} shards): pass the reports of one run`,
      );
    }
    if (seen.has(s.index)) {
      throw new IngestbenchError('USAGE', `shard ${s.index}/${count} of run ${runId} was given twice`);
    }
    seen.set(s.index, r);
  }
  const checks = judgedChecks(first.sla);
  for (const r of reports) {
    const other = judgedChecks(r.sla);
    if (!isDeepStrictEqual(other, checks)) {
      throw new IngestbenchError(
        'USAGE',
        `shards of run ${runId} were judged on different SLA checks (${shardOf(first).index}: ${checks.map((c) => c.source).join('; ') || 'none'}; ${shardOf(r).index}: ${other.map((c) => c.source).join('; ') || 'none'}): run every shard with the same scenario`,
      );
    }
  }

  const ordered = [...seen.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
  const indexes = Array.from({ length: count }, (_, i) => i + 1);
  const merged: MergedFrom = {
    count,
    present: indexes.filter((i) => seen.has(i)),
    missing: indexes.filter((i) => !seen.has(i)),
    partial: ordered.filter((r) => r.run.partial || r.run.stop !== null).map((r) => shardOf(r).index),
  };
  const context: MergeContext = {
    runId,
    names: ordered.map((r) => `shard ${shardOf(r).index}/${count}`),
    givenFirst: ordered.indexOf(first),
    merged,
    path: '',
  };
  return { ordered, context };
}

/** One figure from several: histograms added, percentiles read from the sum. */
export function mergeFigures(parts: readonly LatencyFigures[]): LatencyFigures {
  const histogram = latencyHistogram();
  for (const part of parts) histogram.add(decodeHistogram(part.histogram));
  const resolutions = parts.flatMap((p) => (p.resolutionMs === undefined ? [] : [p.resolutionMs]));
  return {
    ...latencySummary(histogram),
    unit: 'ms',
    // The coarsest shard bounds how much any merged figure may overstate.
    ...(resolutions.length > 0 ? { resolutionMs: Math.max(...resolutions) } : {}),
    histogram: encodeIntoCompressedBase64(histogram),
  };
}

const histograms: Rule<LatencyFigures> = (parts) => mergeFigures(parts);
const byScope = fields<Report['latency']['ack']>({
  all: histograms,
  anonymous: histograms,
  identified: histograms,
});

const totals = fields<ClassTotals>({
  planned: sum,
  sent: sum,
  acknowledged: sum,
  rejected: sum,
  dropped: sum,
  failed: sum,
  visible: sum,
  lost: sum,
  unverified: sum,
  duplicates: sum,
  visibleUnacknowledged: sum,
  rate: fields({ target: sum, achieved: sum }),
});

/** A stopped shard stops the run: the first shard's reason, every stopped shard named. */
const stop: Rule<RunStop | null> = (stops, context) => {
  const named = stops.flatMap((s, i) => (s === null ? [] : [{ shard: context.names[i]!, stop: s }]));
  const first = named[0];
  if (first === undefined) return null;
  return {
    reason: first.stop.reason,
    detail: named.map((s) => `${s.shard}: ${s.stop.reason}: ${s.stop.detail}`).join('; '),
  };
};

const run = fields<Report['run']>({
  id: (_, context) => context.runId,
  scenario: fields<Report['run']['scenario']>({
    name: same('run every shard with the same scenario'),
    file: givenFirst,
  }),
  target: givenFirst,
  startedAt: earliest,
  endedAt: latest,
  seed: givenFirst,
  workers: sum,
  partial: (_, { merged }) => merged.missing.length > 0 || merged.partial.length > 0,
  ingestbenchVersion: givenFirst,
  node: givenFirst,
  plan: fields({ planned: sum, durationMs: max, targetRate: sum, fullSpeed: any }),
  stop,
  // A merged report is no shard's; it says what it was merged from.
  shard: always(undefined),
  merged: (_, context) => context.merged,
});

/**
 * The method that ran: the shards' own when they agree. Shards that differ (auto weighs each
 * shard's own rate) are labelled counts, the coarser, and the reason names each shard's method.
 */
const method: Rule<ObservationSummary['method']> = (methods) =>
  new Set(methods).size === 1 ? methods[0]! : 'counts';
const methodReason: Rule<string | undefined, ObservationSummary> = (reasons, context, obs) =>
  new Set(obs.map((o) => o.method)).size === 1 && new Set(reasons.map((r) => r ?? '')).size === 1
    ? reasons[0]
    : obs.map((o, i) => `${context.names[i]}: ${o.method} (${o.methodReason ?? ''})`).join('; ');

/** Counts figures summed over the shards observed by counts; lost events named up to one run's cap. */
const counts = present(
  fields<CountsObservationSummary>({
    bucketMs: max,
    rowsFetched: sum,
    drillDown: fields<CountsObservationSummary['drillDown']>({
      shortBuckets: sum,
      bucketsRead: sum,
      queries: sum,
      named: sum,
      unnamed: sum,
      lost: concatFirst(MAX_NAMED_LOST),
      note: namedTexts,
    }),
  }),
);

/**
 * The run's end is the first incomplete shard's (unseen events there are unverified), else
 * 'drain timeout' if any shard polled until its deadline, else 'drained'; every shard that did
 * not drain is named in endDetail.
 */
const endReason: Rule<ObservationSummary['endReason'], ObservationSummary> = (reasons, _, obs) =>
  obs.find((o) => !o.complete)?.endReason ??
  (reasons.some((r) => r === 'drain timeout') ? 'drain timeout' : 'drained');
const endDetail: Rule<string | null, ObservationSummary> = (_, context, obs) =>
  namedTexts(
    obs.map((o) =>
      o.endReason === 'drained' ? null : `${o.endReason}${o.endDetail ? ` (${o.endDetail})` : ''}`,
    ),
    context,
    [],
  );

const observation = fields<ObservationSummary>({
  method,
  methodReason,
  counts,
  pollIntervalMs: max,
  requestedPollIntervalMs: max,
  pollStretch: namedTexts,
  resolutionMs: max,
  polls: sum,
  queries: sum,
  throttled: sum,
  errors: sum,
  drained: all,
  drainTimeoutMs: max,
  seenAsStragglers: sum,
  foreignUuids: sum,
  countsSource: (sources) => (sources.every((s) => s === 'query') ? 'query' : 'poller'),
  endReason,
  endDetail,
  complete: all,
  budget: (budgets) => mergeBudget(budgets),
  rowsRead: sum,
  pages: sum,
});

/**
 * The shards' query budget as the key's: shards that spent a share of one key's budget give the
 * key's limits (their shares add up to at most those); reports without a share (each shard had a
 * budget of its own) give the sum of their limits. Either way the peaks are sums of the shards'
 * peaks, an upper bound on the busiest window, and the busiest shard's peak the lower bound.
 */
function mergeBudget(budgets: readonly ObservationSummary['budget'][]): ObservationSummary['budget'] {
  const add = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  const peaks = {
    peakPerMinute: add(budgets.map((b) => b.peakPerMinute)),
    peakPerHour: add(budgets.map((b) => b.peakPerHour)),
    summedPeaks: {
      shards: budgets.length,
      perMinuteAtLeast: Math.max(0, ...budgets.map((b) => b.peakPerMinute)),
      perHourAtLeast: Math.max(0, ...budgets.map((b) => b.peakPerHour)),
    },
  };
  const key = budgets[0]?.shard?.key;
  if (key !== undefined && budgets.every((b) => isDeepStrictEqual(b.shard?.key, key))) {
    return { ...key, ...peaks };
  }
  // A shard without a window (null) leaves the merged run without one.
  const window = (values: readonly (number | null)[]): number | null =>
    values.some((v) => v === null) ? null : add(values.map((v) => v ?? 0));
  const limits: BudgetLimits = {
    perMinute: window(budgets.map((b) => b.perMinute)),
    perHour: window(budgets.map((b) => b.perHour)),
    concurrent: add(budgets.map((b) => b.concurrent)),
  };
  return { ...limits, ...peaks };
}

/** The slowest shard's probe round trip (the worst the target showed), and every probe sent. */
const preflight: Rule<PreflightSummary | null> = (parts) => {
  const probed = parts.filter((p) => p !== null);
  if (probed.length === 0) return null;
  return {
    probeLatencyMs: Math.max(...probed.map((p) => p.probeLatencyMs)),
    probesSent: probed.reduce((a, p) => a + p.probesSent, 0),
  };
};

const skew: Rule<SkewFigures> = (parts) => mergeSkew(parts);

/** Every shard's notes, named; then what the merged figures cannot say as a whole run's would. */
const notes: Rule<readonly string[], MergedFields> = (lists, context, shards) => [
  ...lists.flatMap((list, i) => list.map((n) => `${context.names[i]}: ${n}`)),
  ...(shards.length < 2
    ? []
    : [
        'merged report: per-second visible p50/p99 in the timeline are given only for seconds where one shard alone had latencies (exact); elsewhere they are null, as percentiles of several shards cannot be summed. The overall latency percentiles are exact (histograms merged).',
        `merged report: the lag trend is not recomputed (it fits the per-second p50s); the shards' trends: ${shards.map((r, i) => `${context.names[i]}: ${describeLagTrend(r.lagTrend)}`).join('; ')}`,
        "merged report: observation.budget gives the key's limits when the shards shared one key's budget (each spent 1/n of it), else the sum of the shards' own limits; its peaks are the sum of the shards' peaks, an upper bound on the busiest minute and hour, as the shards' busiest windows need not coincide (the busiest shard's peak is the lower bound). preflight is the slowest shard's probe and the probes of all shards.",
      ]),
];

/** The fields judged again on the merged figures, once the rules have run (mergeReports). */
type Judged = 'sla' | 'verdict';
type MergedFields = Omit<Report, Judged>;

/** How each field of a merged report is made. A field added to Report needs a rule here to compile. */
const REPORT_RULES: Rules<Report, Judged> = {
  schemaVersion: givenFirst,
  run,
  totals,
  classes: fields({ anonymous: totals, identified: totals }),
  latency: fields<MergedFields['latency']>({
    ack: byScope,
    sendDelay: byScope,
    visible: byScope,
    created: present(byScope),
  }),
  timeline: (parts) => mergeTimelines(parts),
  errors: sumByKey,
  requests: fields({ sent: sum, ok: sum, failed: sum, retries: sum }),
  observation,
  sla: RECOMPUTED,
  verdict: RECOMPUTED,
  // See the top of the file: shards measured overlapping windows of one target.
  cost: always(null),
  lagTrend: (parts) => mergeLagTrends(parts),
  clockSkew: fields({ ack: skew, sendDelay: skew, visible: skew, created: skew }),
  preflight,
  // See the top of the file: the shards' top shares do not give the run's.
  workload: always(undefined),
  notes,
};
const mergeFields = fields(REPORT_RULES);

/** Failing checks naming the shards that are missing or were interrupted, if any. */
function shardChecks(merged: MergedFrom): SlaResult[] {
  const out: SlaResult[] = [];
  const names = (list: readonly number[]): string => list.map((i) => `${i}/${merged.count}`).join(', ');
  if (merged.missing.length > 0) {
    out.push({
      check: 'all shards merged',
      metric: 'shards.missing',
      op: '==',
      threshold: 0,
      value: merged.missing.length,
      pass: false,
      unit: 'count',
      detail: `no report for shard ${names(merged.missing)}: the merged figures cover ${merged.present.length} of ${merged.count} shards`,
    });
  }
  if (merged.partial.length > 0) {
    out.push({
      check: 'all shards completed',
      metric: 'shards.partial',
      op: '==',
      threshold: 0,
      value: merged.partial.length,
      pass: false,
      unit: 'count',
      detail: `shard ${names(merged.partial)} stopped before its schedule ended (its report is partial)`,
    });
  }
  return out;
}
