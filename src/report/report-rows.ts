// The rows every rendering shows (terminal, Markdown, HTML): one definition of which figures
// appear and how they read, so the three never disagree. Cells are plain text; each renderer
// escapes them for its own format.

import { EVENT_CLASSES } from '../scenario/scenario.js';
import { formatCount, formatDuration, formatLatency, formatRate, formatShare } from '../core/format.js';
import {
  LATENCY_METRICS,
  LATENCY_SCOPES,
  type LatencyFigures,
  type LatencyMetric,
  type LatencyScope,
  type CostReport,
  type Report,
} from './report-types.js';
import { clockSkewLine } from './clock-skew-line.js';
import { lagTrendLine } from './lag-trend-line.js';
import { workloadLine } from './workload-line.js';

export const METRIC_LABEL: Readonly<Record<LatencyMetric, string>> = {
  ack: 'ack',
  sendDelay: 'send delay',
  visible: 'visible',
};

/** created_at is stamped by the ingestion worker, before the hop into ClickHouse. */
export const CREATED_LABEL = 'created_at (ingestion worker)';

/** The visible resolution as the one-sided bound it is: a figure may be late by this, never early. */
export function resolutionBound(ms: number): string {
  return `+≤${formatDuration(ms)}`;
}

export const LATENCY_HEADER = [
  'latency',
  'events',
  'count',
  'p50',
  'p90',
  'p99',
  'p99.9',
  'max',
  'mean',
  'resolution',
] as const;

export function latencyRows(report: Report): string[][] {
  const rows: string[][] = [];
  const metrics: [string, Readonly<Record<LatencyScope, LatencyFigures>>][] = LATENCY_METRICS.map((m) => [
    METRIC_LABEL[m],
    report.latency[m],
  ]);
  if (report.latency.created) metrics.push([CREATED_LABEL, report.latency.created]);
  for (const [label, byScope] of metrics) {
    for (const scope of LATENCY_SCOPES) {
      const f = byScope[scope];
      rows.push([
        scope === 'all' ? label : '',
        scope,
        formatCount(f.count),
        ...[f.p50, f.p90, f.p99, f.p999, f.max, f.mean].map(formatLatency),
        // Visible figures are poll-bound: each may overstate by up to this much, never understate.
        f.resolutionMs === undefined ? '' : resolutionBound(f.resolutionMs),
      ]);
    }
  }
  return rows;
}

export const COUNT_HEADER = [
  'events',
  'planned',
  'sent',
  'acked',
  'rejected',
  'dropped',
  'failed',
  'visible',
  'lost',
  'dups',
  'rate',
] as const;

export function countRows(report: Report): string[][] {
  const scopes = [
    ...EVENT_CLASSES.map((c) => [c, report.classes[c]] as const),
    ['total', report.totals] as const,
  ];
  return scopes.map(([name, t]) => [
    name,
    ...[
      t.planned,
      t.sent,
      t.acknowledged,
      t.rejected,
      t.dropped,
      t.failed,
      t.visible,
      t.lost,
      t.duplicates,
    ].map(formatCount),
    `${formatRate(t.rate.achieved)} of ${formatRate(t.rate.target)}`,
  ]);
}

export function observationLine(report: Report): string {
  const o = report.observation;
  return (
    `${o.method} observation: poll every ${formatDuration(o.pollIntervalMs)}, resolution ${resolutionBound(o.resolutionMs)}, ` +
    `${formatCount(o.polls)} polls, ${formatCount(o.queries)} queries (${formatCount(o.throttled)} throttled, ${formatCount(o.errors)} failed polls), ` +
    `${endText(o)}, counts from ${o.countsSource === 'query' ? 'an exact count query' : "the poller's tally"}` +
    (o.seenAsStragglers > 0
      ? `, ${formatCount(o.seenAsStragglers)} events found by the straggler chase`
      : '') +
    (o.foreignUuids > 0 ? `, ${formatCount(o.foreignUuids)} foreign uuids with this run's id` : '') +
    (o.pollStretch ? `; ${o.pollStretch}` : '') +
    `; ${budgetText(o.budget)}` +
    countsSuffix(o)
  );
}

/** Queries used against the budget: a shard's share of the key's, or the key's for merged shards. */
function budgetText(b: Report['observation']['budget']): string {
  const limit = (n: number | null): string => (n === null ? 'unlimited' : formatCount(n));
  const used = `${formatCount(b.peakPerMinute)} of ${limit(b.perMinute)}/min, ${formatCount(b.peakPerHour)} of ${limit(b.perHour)}/hour`;
  if (b.shard) {
    const k = b.shard.key;
    return (
      `budget used: ${used} (shard ${b.shard.index}/${b.shard.count}'s share, 1/${b.shard.count} of the key's ` +
      `${limit(k.perMinute)}/min, ${limit(k.perHour)}/hour, ${formatCount(k.concurrent)} at once)`
    );
  }
  if (b.summedPeaks) {
    const s = b.summedPeaks;
    return (
      `budget used by ${formatCount(s.shards)} shards: busiest minute ${formatCount(s.perMinuteAtLeast)} to ${formatCount(b.peakPerMinute)} of ${limit(b.perMinute)}/min, ` +
      `busiest hour ${formatCount(s.perHourAtLeast)} to ${formatCount(b.peakPerHour)} of ${limit(b.perHour)}/hour ` +
      `(the busiest shard's peak to the sum of the shards' peaks)`
    );
  }
  return `budget used: ${used}`;
}

/** Counts observation: its bucket (part of the resolution), rows fetched, lost events named; and why it ran. */
function countsSuffix(o: Report['observation']): string {
  const c = o.counts;
  const reason = o.methodReason === undefined ? '' : ` [${o.methodReason}]`;
  if (!c) return reason;
  const d = c.drillDown;
  return (
    `; ${formatDuration(c.bucketMs)} buckets (resolution = poll interval + bucket width), ${formatCount(c.rowsFetched)} rows fetched` +
    (d.shortBuckets > 0
      ? `, ${formatCount(d.named)} lost events named by ${formatCount(d.queries)} drill-down queries${d.unnamed > 0 ? `, ${formatCount(d.unnamed)} unnamed${d.note ? ` (${d.note})` : ''}` : ''}`
      : '') +
    reason
  );
}

/** How observation ended, as the summary says it ("query budget exhausted" verbatim when it was). */
function endText(o: Report['observation']): string {
  switch (o.endReason) {
    case 'drained':
      return 'drained';
    case 'drain timeout':
      return `not drained within ${formatDuration(o.drainTimeoutMs)}`;
    case 'stopped':
      return 'stopped early (run interrupted): unseen events unverified';
    default:
      return `${o.endReason}: observation ended early, unseen events unverified`;
  }
}

export function lossLine(report: Report): string {
  const t = report.totals;
  const lostShare = t.acknowledged > 0 ? t.lost / t.acknowledged : null;
  const errorShare = t.sent > 0 ? (t.sent - t.acknowledged) / t.sent : null;
  const unverified =
    t.unverified > 0
      ? `, unverified ${formatCount(t.unverified)} (not checked: ${report.observation.endReason})`
      : '';
  return `lost ${formatCount(t.lost)} (${formatShare(lostShare)} of acknowledged)${unverified}, duplicates ${formatCount(t.duplicates)}, capture errors ${formatShare(errorShare)} of sent`;
}

export function errorEntries(report: Report): [string, string][] {
  return Object.entries(report.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => [kind, formatCount(n)]);
}

/** The cost figures as rows: CPU per event for each class, their ratio, CPU per target process. */
export function costEntries(cost: CostReport | null): [string, string][] {
  if (cost === null) return [];
  const perEvent = (cls: 'anonymous' | 'identified'): [string, string] => {
    const c = cost.classes[cls];
    const micros = c.cpuMicrosPerEvent === null ? '—' : `${c.cpuMicrosPerEvent.toFixed(1)} µs`;
    return [
      `${cls} ingestion CPU per event`,
      `${micros} (${formatCount(c.events)} events, ${c.cpuSeconds.toFixed(3)} s)`,
    ];
  };
  const ratio = cost.identifiedToAnonymousRatio;
  return [
    perEvent('anonymous'),
    perEvent('identified'),
    [
      'identified / anonymous CPU per event',
      ratio === null ? '— (needs both classes)' : `${ratio.toFixed(2)}×`,
    ],
    ...Object.entries(cost.processCpuSeconds).map(([name, seconds]: [string, number]): [string, string] => [
      `${name} process CPU during the run`,
      `${seconds.toFixed(2)} s`,
    ]),
  ];
}

export function headline(report: Report): string {
  const r = report.run;
  return `run ${r.id}: scenario ${r.scenario.name} against ${r.target.kind} (${r.target.captureUrl}), ${r.startedAt} → ${r.endedAt}${r.partial ? ', PARTIAL (stopped early)' : ''}${shardNote(r)}`;
}

/** Which part of a sharded run a report covers (shard i of n, or the merge of which shards). */
function shardNote(r: Report['run']): string {
  if (r.shard) return `; shard ${r.shard.index} of ${r.shard.count} of run ${r.shard.runId}`;
  if (!r.merged) return '';
  const missing = r.merged.missing.length > 0 ? `, missing ${r.merged.missing.join(', ')}` : '';
  return `; merged from ${r.merged.present.length} of ${r.merged.count} shards${missing}`;
}

/**
 * The lines under the events table, in the order every renderer prints them: how the run was
 * observed, the lag trend (report.html draws it in its lag section instead: `lagTrend: false`),
 * how skewed the workload was, the clocks' skew, then the run's notes. The loss line comes before
 * them, where each renderer sets it apart.
 */
export function eventNotes(report: Report, options: { readonly lagTrend: boolean }): string[] {
  const lines = [observationLine(report)];
  if (options.lagTrend) lines.push(lagTrendLine(report));
  for (const line of [workloadLine(report), clockSkewLine(report)]) if (line !== null) lines.push(line);
  lines.push(...runNotes(report));
  return lines;
}

/** Lines on how the run went beyond its figures: the probe, why it stopped early, missing figures. */
export function runNotes(report: Report): string[] {
  const lines: string[] = [];
  if (report.preflight) {
    const p = report.preflight;
    lines.push(
      `preflight: the probe event came back through the query API in ${formatDuration(p.probeLatencyMs)}` +
        (p.probesSent > 1 ? ` (${p.probesSent} probes sent)` : ''),
    );
  }
  if (report.run.stop) lines.push(`stopped early (${report.run.stop.reason}): ${report.run.stop.detail}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines;
}
