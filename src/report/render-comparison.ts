// A comparison as GitHub-flavoured Markdown: one table per class (all events, anonymous,
// identified) and one for the run as a whole, baseline and candidate side by side. Fit for a
// pull-request comment or $GITHUB_STEP_SUMMARY; every cell is escaped.

import type { SlaUnit } from '../scenario/sla-metrics.js';
import type { Comparison, ComparisonRow, RowStatus } from './compare-reports.js';
import { formatCount, formatDuration, formatRate, formatShare } from '../core/format.js';
import { escapeMarkdown } from './render-markdown.js';

const SECTIONS = [
  ['all', 'All events'],
  ['anonymous', 'Anonymous events'],
  ['identified', 'Identified events'],
  ['run', 'Run'],
] as const;

const STATUS: Readonly<Record<RowStatus, string>> = {
  ok: '✅ ok',
  regression: '❌ regression',
  improved: '✅ improved',
  'not judged': '',
  'not measured': '— not measured',
};

export function renderComparison(comparison: Comparison): string {
  const { baseline, candidate, regressions } = comparison;
  const title =
    comparison.verdict === 'pass'
      ? '✅ no regression'
      : `❌ ${regressions.length} regression${regressions.length === 1 ? '' : 's'}`;
  const out: string[] = [
    `## ingestbench compare: ${title}`,
    '',
    `Baseline \`${escapeMarkdown(baseline.id)}\` (${escapeMarkdown(baseline.scenario)}, ${baseline.startedAt}) → ` +
      `candidate \`${escapeMarkdown(candidate.id)}\` (${escapeMarkdown(candidate.scenario)}, ${candidate.startedAt}).`,
    '',
  ];
  for (const note of comparison.notes) out.push(`> **Note:** ${escapeMarkdown(note)}`, '');
  for (const [scope, heading] of SECTIONS) {
    const rows = comparison.rows.filter((r) => r.scope === scope);
    if (rows.length === 0 || rows.every((r) => r.status === 'not measured')) continue;
    out.push(`### ${heading}`, '', '| metric | baseline | candidate | change | allowed | result |');
    out.push('| --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of rows) out.push(`| ${cells(r).map(escapeMarkdown).join(' | ')} |`);
    out.push('');
  }
  out.push(
    `Latencies are read from each report's HDR histograms. A visible latency may overstate by its ` +
      `resolution (baseline ${formatDuration(baseline.resolutionMs)}, candidate ${formatDuration(candidate.resolutionMs)}), ` +
      `so an increase within the larger resolution is never a regression.`,
    '',
  );
  return out.join('\n');
}

function cells(r: ComparisonRow): string[] {
  const name = r.metric.replace(/^(anonymous|identified)\./, '');
  const sign = r.metric.startsWith('rate.') ? '−' : '+';
  return [
    name,
    format(r.baseline, r.unit),
    format(r.candidate, r.unit),
    r.change === null ? '—' : signed(r.change, r.unit),
    r.allowed === null ? '' : `${sign}${format(r.allowed, r.unit)}${allowedNote(r)}`,
    STATUS[r.status],
  ];
}

function allowedNote(r: ComparisonRow): string {
  if (r.allowedBy === 'resolution' || r.allowedBy === 'noise floor') return ` (${r.allowedBy})`;
  return r.limit?.kind === 'relative' ? ` (${r.limit.source})` : '';
}

function format(value: number | null, unit: SlaUnit): string {
  if (value === null) return '—';
  switch (unit) {
    case 'ms':
      return formatDuration(value);
    case 'fraction':
      return formatShare(value);
    case 'count':
      return formatCount(value);
    case 'eps':
      return formatRate(value);
    case 'ratio':
      return `${value.toFixed(2)}×`;
  }
}

function signed(change: number, unit: SlaUnit): string {
  if (change === 0) return '0';
  return `${change > 0 ? '+' : '−'}${format(Math.abs(change), unit)}`;
}
