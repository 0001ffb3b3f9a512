// Merge the reports of a sharded run (`run --shard i/n --run-id ID`, one report per shard) into the
// run's one report. Pure: reports in, report out, no files and no clock.
//
// - Counts, requests, errors and timeline seconds are summed; rates are summed too (the shards
//   send at the same time, each a 1/n share of the run's rate).
// - Latency histograms are decoded, added and re-encoded: lossless, so every percentile of the
//   merged report is read from the merged histogram, never averaged from the shards' percentiles.
// - The SLA is judged again on the merged figures. Its checks come from the shards' reports (each
//   result keeps its expression as written, `check`), so a merge needs no scenario file and judges
//   exactly what the shards were run with; shards that disagree on their checks are refused.
// - A shard that is missing or partial is named, marks the merged report partial, and fails it.
// - Processing cost is left out (null): every shard measured the shared target's CPU over its own,
//   overlapping window, so summing the shards' figures would count the same work several times.
// - Timeline and lag trend: see merge-timeline.ts (per-second percentiles are exact or null).
// - Clock skew: counts summed, the worst value kept. Observation: counts summed, intervals and
//   resolution the coarsest, complete only if every shard's was, an early end named per shard;
//   the method is the shards' (each shard's named when they differ), counts figures summed.
// - run.stop: any stopped shard is named (reason of the first); preflight: the slowest probe and
//   the probes summed; notes: every shard's, prefixed with its shard, then the merge's own.

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { IngestbenchError } from '../errors.js';
import { latencyHistogram } from '../core/latency-histogram.js';
import { decodeHistogram, latencySummary } from '../measure/latency-summary.js';
import { MAX_NAMED_LOST } from '../observe/counts-observer.js';
import { EVENT_CLASSES } from '../scenario/scenario.js';
import { mergeSkew } from '../core/skew-tally.js';
import type { SlaCheck } from '../scenario/scenario.js';
import type { SlaResult } from '../verdict/evaluate-sla.js';
import { OBSERVATION_COMPLETE, RUN_COMPLETED, judgeRun } from '../verdict/judge-run.js';
import { describeLagTrend, mergeLagTrends, mergeTimelines } from './merge-timeline.js';
import { metricLookup } from './report-metrics.js';
import {
  LATENCY_METRICS,
  LATENCY_SCOPES,
  type BudgetLimits,
  type ClassTotals,
  type LatencyFigures,
  type LatencyScope,
  type CountsObservationSummary,
  type MergedFrom,
  type ObservationSummary,
  type PreflightSummary,
  type Report,
  type RunStop,
} from './report-types.js';

export function mergeReports(reports: readonly Report[]): Report {
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
    if (r.run.scenario.name !== first.run.scenario.name) {
      throw new IngestbenchError(
        'USAGE',
        `shard ${s.index}/${count} of run ${runId} ran scenario ${r.run.scenario.name}, shard ${shardOf(first).index} ran ${first.run.scenario.name}: run every shard with the same scenario`,
      );
    }
    if (seen.has(s.index)) {
      throw new IngestbenchError('USAGE', `shard ${s.index}/${count} of run ${runId} was given twice`);
    }
    seen.set(s.index, r);
  }
  const checks = slaChecksOf(first);
  for (const r of reports) {
    const other = slaChecksOf(r);
    if (describeChecks(other) !== describeChecks(checks)) {
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
  const name = (r: Report): string => `shard ${shardOf(r).index}/${count}`;

  const created = ordered.some((r) => r.latency.created !== undefined)
    ? byScope((scope) =>
        mergeFigures(ordered.flatMap((r) => (r.latency.created ? [r.latency.created[scope]] : []))),
      )
    : undefined;
  const report: Report = {
    schemaVersion: first.schemaVersion,
    run: {
      id: runId,
      scenario: first.run.scenario,
      target: first.run.target,
      startedAt: earliest(ordered.map((r) => r.run.startedAt)),
      endedAt: latest(ordered.map((r) => r.run.endedAt)),
      seed: first.run.seed,
      workers: sum(ordered.map((r) => r.run.workers)),
      partial: merged.missing.length > 0 || merged.partial.length > 0,
      ingestbenchVersion: first.run.ingestbenchVersion,
      node: first.run.node,
      plan: {
        planned: sum(ordered.map((r) => r.run.plan.planned)),
        durationMs: Math.max(...ordered.map((r) => r.run.plan.durationMs)),
        targetRate: sum(ordered.map((r) => r.run.plan.targetRate)),
        fullSpeed: ordered.some((r) => r.run.plan.fullSpeed),
      },
      stop: mergeStop(ordered.flatMap((r) => (r.run.stop ? [{ shard: name(r), stop: r.run.stop }] : []))),
      merged,
    },
    totals: sumTotals(ordered.map((r) => r.totals)),
    classes: Object.fromEntries(
      EVENT_CLASSES.map((c) => [c, sumTotals(ordered.map((r) => r.classes[c]))]),
    ) as Report['classes'],
    latency: {
      ...(Object.fromEntries(
        LATENCY_METRICS.map((metric) => [
          metric,
          byScope((scope) => mergeFigures(ordered.map((r) => r.latency[metric][scope]))),
        ]),
      ) as Omit<Report['latency'], 'created'>),
      ...(created ? { created } : {}),
    },
    timeline: mergeTimelines(ordered.map((r) => r.timeline)),
    errors: sumRecords(ordered.map((r) => r.errors)),
    requests: {
      sent: sum(ordered.map((r) => r.requests.sent)),
      ok: sum(ordered.map((r) => r.requests.ok)),
      failed: sum(ordered.map((r) => r.requests.failed)),
      retries: sum(ordered.map((r) => r.requests.retries)),
    },
    observation: mergeObservation(ordered.map((r) => ({ shard: name(r), observation: r.observation }))),
    sla: [],
    verdict: 'pass',
    cost: null,
    lagTrend: mergeLagTrends(ordered.map((r) => r.lagTrend)),
    clockSkew: {
      ack: mergeSkew(ordered.map((r) => r.clockSkew.ack)),
      sendDelay: mergeSkew(ordered.map((r) => r.clockSkew.sendDelay)),
      visible: mergeSkew(ordered.map((r) => r.clockSkew.visible)),
      created: mergeSkew(ordered.map((r) => r.clockSkew.created)),
    },
    preflight: mergePreflight(ordered.flatMap((r) => (r.preflight ? [r.preflight] : []))),
    notes: [...ordered.flatMap((r) => r.notes.map((n) => `${name(r)}: ${n}`)), ...mergeNotes(ordered, name)],
  };

  // A merge is partial exactly when shards are missing or stopped, which shardChecks names.
  const { sla, verdict } = judgeRun({
    checks,
    lookup: metricLookup(report),
    unverified: report.totals.unverified,
    observationEnd: report.observation.endDetail ?? report.observation.endReason,
    incomplete: shardChecks(merged),
  });
  return { ...report, sla, verdict };
}

/**
 * The checks a shard was judged on, rebuilt from its results (metric, operator and threshold are
 * kept there, the expression as written in `check`), so the built-in ones (`load applied: …`)
 * are judged again too. The checks that describe how the shard ended are left out: the merge adds
 * its own (judgeRun's observation check, shardChecks).
 */
function slaChecksOf(report: Report): SlaCheck[] {
  return report.sla
    .filter((r) => r.metric !== RUN_COMPLETED && r.check !== OBSERVATION_COMPLETE)
    .map((r) => ({ source: r.check, metric: r.metric, op: r.op as SlaCheck['op'], threshold: r.threshold }));
}

const describeChecks = (checks: readonly SlaCheck[]): string =>
  checks.map((c) => `${c.source} [${c.metric} ${c.op} ${c.threshold}]`).join('\n');

/** A stopped shard stops the run: the first shard's reason, every stopped shard named. */
function mergeStop(stops: readonly { shard: string; stop: RunStop }[]): RunStop | null {
  const first = stops[0];
  if (first === undefined) return null;
  return {
    reason: first.stop.reason,
    detail: stops.map((s) => `${s.shard}: ${s.stop.reason}: ${s.stop.detail}`).join('; '),
  };
}

/** The slowest shard's probe round trip (the worst the target showed), and every probe sent. */
function mergePreflight(parts: readonly PreflightSummary[]): PreflightSummary | null {
  if (parts.length === 0) return null;
  return {
    probeLatencyMs: Math.max(...parts.map((p) => p.probeLatencyMs)),
    probesSent: sum(parts.map((p) => p.probesSent)),
  };
}

/** What the merged figures cannot say as a whole run's would, and the shards' own lag trends. */
function mergeNotes(ordered: readonly Report[], name: (r: Report) => string): string[] {
  if (ordered.length < 2) return [];
  return [
    'merged report: per-second visible p50/p99 in the timeline are given only for seconds where one shard alone had latencies (exact); elsewhere they are null, as percentiles of several shards cannot be summed. The overall latency percentiles are exact (histograms merged).',
    `merged report: the lag trend is not recomputed (it fits the per-second p50s); the shards' trends: ${ordered.map((r) => `${name(r)}: ${describeLagTrend(r.lagTrend)}`).join('; ')}`,
    "merged report: observation.budget gives the key's limits when the shards shared one key's budget (each spent 1/n of it), else the sum of the shards' own limits; its peaks are the sum of the shards' peaks, an upper bound on the busiest minute and hour, as the shards' busiest windows need not coincide (the busiest shard's peak is the lower bound). preflight is the slowest shard's probe and the probes of all shards.",
  ];
}

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

function byScope(of: (scope: LatencyScope) => LatencyFigures): Record<LatencyScope, LatencyFigures> {
  return Object.fromEntries(LATENCY_SCOPES.map((scope) => [scope, of(scope)])) as Record<
    LatencyScope,
    LatencyFigures
  >;
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

function sumTotals(parts: readonly ClassTotals[]): ClassTotals {
  const total = (field: Exclude<keyof ClassTotals, 'rate'>): number => sum(parts.map((p) => p[field]));
  return {
    planned: total('planned'),
    sent: total('sent'),
    acknowledged: total('acknowledged'),
    rejected: total('rejected'),
    dropped: total('dropped'),
    failed: total('failed'),
    visible: total('visible'),
    lost: total('lost'),
    unverified: total('unverified'),
    duplicates: total('duplicates'),
    visibleUnacknowledged: total('visibleUnacknowledged'),
    rate: {
      target: sum(parts.map((p) => p.rate.target)),
      achieved: sum(parts.map((p) => p.rate.achieved)),
    },
  };
}

/**
 * The method that ran: the shards' own when they agree. Shards that differ (auto weighs each
 * shard's own rate) are labelled counts, the coarser, and the reason names each shard's method.
 * Counts figures sum; the named lost events are listed up to the same cap as one run's.
 */
function mergeMethod(
  parts: readonly { shard: string; observation: ObservationSummary }[],
): Pick<ObservationSummary, 'method' | 'methodReason' | 'counts'> {
  const obs = parts.map((p) => p.observation);
  const methods = new Set(obs.map((o) => o.method));
  const reasons = new Set(obs.map((o) => o.methodReason ?? ''));
  const method = methods.size === 1 ? obs[0]!.method : 'counts';
  const methodReason =
    methods.size === 1 && reasons.size === 1
      ? obs[0]!.methodReason
      : parts
          .map((p) => `${p.shard}: ${p.observation.method} (${p.observation.methodReason ?? ''})`)
          .join('; ');
  const counted = parts.filter((p) => p.observation.counts !== undefined);
  if (counted.length === 0) return { method, ...(methodReason !== undefined ? { methodReason } : {}) };
  const drills = counted.map((p) => p.observation.counts!.drillDown);
  const add = (field: 'shortBuckets' | 'bucketsRead' | 'queries' | 'named' | 'unnamed'): number =>
    sum(drills.map((d) => d[field]));
  const notes = counted
    .filter((p) => p.observation.counts!.drillDown.note !== null)
    .map((p) => `${p.shard}: ${p.observation.counts!.drillDown.note}`);
  const counts: CountsObservationSummary = {
    bucketMs: Math.max(...counted.map((p) => p.observation.counts!.bucketMs)),
    rowsFetched: sum(counted.map((p) => p.observation.counts!.rowsFetched)),
    drillDown: {
      shortBuckets: add('shortBuckets'),
      bucketsRead: add('bucketsRead'),
      queries: add('queries'),
      named: add('named'),
      unnamed: add('unnamed'),
      lost: drills.flatMap((d) => d.lost).slice(0, MAX_NAMED_LOST),
      note: notes.length > 0 ? notes.join('; ') : null,
    },
  };
  return { method, ...(methodReason !== undefined ? { methodReason } : {}), counts };
}

function mergeObservation(
  parts: readonly { shard: string; observation: ObservationSummary }[],
): ObservationSummary {
  const obs = parts.map((p) => p.observation);
  const total = (
    field:
      | 'polls'
      | 'queries'
      | 'throttled'
      | 'errors'
      | 'seenAsStragglers'
      | 'foreignUuids'
      | 'rowsRead'
      | 'pages',
  ): number => sum(obs.map((p) => p[field]));
  const highest = (
    field: 'pollIntervalMs' | 'requestedPollIntervalMs' | 'resolutionMs' | 'drainTimeoutMs',
  ): number => Math.max(...obs.map((p) => p[field]));
  const complete = obs.every((p) => p.complete);
  // The run's end is the first incomplete shard's (unseen events there are unverified), else
  // 'drain timeout' if any shard polled until its deadline, else 'drained'.
  const incomplete = obs.find((p) => !p.complete);
  const endReason =
    incomplete?.endReason ?? (obs.some((p) => p.endReason === 'drain timeout') ? 'drain timeout' : 'drained');
  const notDrained = parts.filter((p) => p.observation.endReason !== 'drained');
  const stretched = parts.filter((p) => p.observation.pollStretch !== null);
  return {
    ...mergeMethod(parts),
    pollIntervalMs: highest('pollIntervalMs'),
    requestedPollIntervalMs: highest('requestedPollIntervalMs'),
    pollStretch:
      stretched.length > 0
        ? stretched.map((p) => `${p.shard}: ${p.observation.pollStretch}`).join('; ')
        : null,
    resolutionMs: highest('resolutionMs'),
    polls: total('polls'),
    queries: total('queries'),
    throttled: total('throttled'),
    errors: total('errors'),
    drained: obs.every((p) => p.drained),
    drainTimeoutMs: highest('drainTimeoutMs'),
    seenAsStragglers: total('seenAsStragglers'),
    foreignUuids: total('foreignUuids'),
    countsSource: obs.every((p) => p.countsSource === 'query') ? 'query' : 'poller',
    endReason,
    endDetail:
      notDrained.length > 0
        ? notDrained
            .map(
              (p) =>
                `${p.shard}: ${p.observation.endReason}${p.observation.endDetail ? ` (${p.observation.endDetail})` : ''}`,
            )
            .join('; ')
        : null,
    complete,
    budget: mergeBudget(obs.map((p) => p.budget)),
    rowsRead: total('rowsRead'),
    pages: total('pages'),
  };
}

/**
 * The shards' query budget as the key's: shards that spent a share of one key's budget give the
 * key's limits (their shares add up to at most those); reports without a share (each shard had a
 * budget of its own) give the sum of their limits. Either way the peaks are sums of the shards'
 * peaks, an upper bound on the busiest window, and the busiest shard's peak the lower bound.
 */
function mergeBudget(budgets: readonly ObservationSummary['budget'][]): ObservationSummary['budget'] {
  const peaks = {
    peakPerMinute: sum(budgets.map((b) => b.peakPerMinute)),
    peakPerHour: sum(budgets.map((b) => b.peakPerHour)),
    summedPeaks: {
      shards: budgets.length,
      perMinuteAtLeast: Math.max(0, ...budgets.map((b) => b.peakPerMinute)),
      perHourAtLeast: Math.max(0, ...budgets.map((b) => b.peakPerHour)),
    },
  };
  const key = budgets[0]?.shard?.key;
  const sameKey = (k: BudgetLimits | undefined): boolean =>
    k !== undefined &&
    k.perMinute === key!.perMinute &&
    k.perHour === key!.perHour &&
    k.concurrent === key!.concurrent;
  if (key !== undefined && budgets.every((b) => sameKey(b.shard?.key))) return { ...key, ...peaks };
  // A shard without a window (null) leaves the merged run without one.
  const window = (values: readonly (number | null)[]): number | null =>
    values.some((v) => v === null) ? null : sum(values.map((v) => v ?? 0));
  return {
    perMinute: window(budgets.map((b) => b.perMinute)),
    perHour: window(budgets.map((b) => b.perHour)),
    concurrent: sum(budgets.map((b) => b.concurrent)),
    ...peaks,
  };
}

function sumRecords(parts: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const earliest = (isos: readonly string[]): string =>
  new Date(Math.min(...isos.map((t) => Date.parse(t)))).toISOString();
const latest = (isos: readonly string[]): string =>
  new Date(Math.max(...isos.map((t) => Date.parse(t)))).toISOString();
