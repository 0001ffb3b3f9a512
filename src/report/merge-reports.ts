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

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { IngestbenchError } from '../errors.js';
import { latencyHistogram } from '../load/load-histograms.js';
import { decodeHistogram, latencySummary } from '../measure/latency-summary.js';
import { EVENT_CLASSES } from '../scenario/scenario.js';
import { evaluateSla, type SlaResult } from '../verdict/evaluate-sla.js';
import { parseSlaExpression } from '../verdict/parse-sla.js';
import { metricLookup } from './report-metrics.js';
import {
  LATENCY_METRICS,
  LATENCY_SCOPES,
  type ClassTotals,
  type LatencyFigures,
  type LatencyScope,
  type MergedFrom,
  type ObservationSummary,
  type Report,
  type TimelineSecond,
} from './report-types.js';

/** The metric of the check a partial run adds (run-scenario.ts): not an expression to re-judge. */
const RUN_COMPLETED = 'run.completed';

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
    if (other.join('\n') !== checks.join('\n')) {
      throw new IngestbenchError(
        'USAGE',
        `shards of run ${runId} were judged on different SLA checks (${shardOf(first).index}: ${checks.join('; ') || 'none'}; ${shardOf(r).index}: ${other.join('; ') || 'none'}): run every shard with the same scenario`,
      );
    }
  }

  const ordered = [...seen.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
  const indexes = Array.from({ length: count }, (_, i) => i + 1);
  const merged: MergedFrom = {
    count,
    present: indexes.filter((i) => seen.has(i)),
    missing: indexes.filter((i) => !seen.has(i)),
    partial: ordered.filter((r) => r.run.partial).map((r) => shardOf(r).index),
  };

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
    timeline: sumTimelines(ordered.map((r) => r.timeline)),
    errors: sumRecords(ordered.map((r) => r.errors)),
    requests: {
      sent: sum(ordered.map((r) => r.requests.sent)),
      ok: sum(ordered.map((r) => r.requests.ok)),
      failed: sum(ordered.map((r) => r.requests.failed)),
      retries: sum(ordered.map((r) => r.requests.retries)),
    },
    observation: mergeObservation(ordered.map((r) => r.observation)),
    sla: [],
    verdict: 'pass',
    cost: null,
  };

  const { results } = evaluateSla(
    checks.map((c) => parseSlaExpression(c)),
    metricLookup(report),
  );
  const sla = [...results, ...shardChecks(merged)];
  return { ...report, sla, verdict: sla.every((r) => r.pass) ? 'pass' : 'fail' };
}

function slaChecksOf(report: Report): string[] {
  return report.sla.filter((r) => r.metric !== RUN_COMPLETED).map((r) => r.check);
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
      detail: `shard ${names(merged.partial)} was interrupted before its schedule ended (its report is partial)`,
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
    duplicates: total('duplicates'),
    visibleUnacknowledged: total('visibleUnacknowledged'),
    rate: {
      target: sum(parts.map((p) => p.rate.target)),
      achieved: sum(parts.map((p) => p.rate.achieved)),
    },
  };
}

/** Seconds since each shard's own start, summed second by second. */
function sumTimelines(parts: readonly (readonly TimelineSecond[])[]): TimelineSecond[] {
  const length = Math.max(0, ...parts.map((p) => p.length));
  const out = Array.from({ length }, (_, second) => ({
    second,
    sent: 0,
    acknowledged: 0,
    visible: 0,
    errors: 0,
  }));
  for (const part of parts) {
    for (const s of part) {
      const into = out[s.second];
      if (!into) continue;
      into.sent += s.sent;
      into.acknowledged += s.acknowledged;
      into.visible += s.visible;
      into.errors += s.errors;
    }
  }
  return out;
}

function mergeObservation(parts: readonly ObservationSummary[]): ObservationSummary {
  const total = (
    field: 'polls' | 'queries' | 'throttled' | 'errors' | 'seenAsStragglers' | 'foreignUuids',
  ): number => sum(parts.map((p) => p[field]));
  const highest = (field: 'pollIntervalMs' | 'resolutionMs' | 'drainTimeoutMs'): number =>
    Math.max(...parts.map((p) => p[field]));
  return {
    method: parts.every((p) => p.method === 'exact') ? 'exact' : 'probe',
    pollIntervalMs: highest('pollIntervalMs'),
    resolutionMs: highest('resolutionMs'),
    polls: total('polls'),
    queries: total('queries'),
    throttled: total('throttled'),
    errors: total('errors'),
    drained: parts.every((p) => p.drained),
    drainTimeoutMs: highest('drainTimeoutMs'),
    seenAsStragglers: total('seenAsStragglers'),
    foreignUuids: total('foreignUuids'),
    countsSource: parts.every((p) => p.countsSource === 'query') ? 'query' : 'poller',
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
