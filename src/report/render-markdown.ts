// summary.md: the same figures as the terminal summary, as GitHub-flavoured Markdown so a CI job
// can post it as a comment or a job summary. Every cell is escaped: scenario names, error kinds
// and SLA expressions come from files and targets, and must not break the table or inject HTML.

import {
  COUNT_HEADER,
  LATENCY_HEADER,
  costEntries,
  countRows,
  errorEntries,
  eventNotes,
  headline,
  latencyRows,
  lossLine,
} from './report-rows.js';
import type { Report } from './report-types.js';

/** Text safe inside a Markdown table cell or paragraph. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numericFrom: number): string {
  const cells = (r: readonly string[]): string => `| ${r.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i >= numericFrom ? ' ---: ' : ' --- ')).join('|')}|`;
  return [cells(header), rule, ...rows.map(cells)].join('\n');
}

export function renderMarkdown(report: Report): string {
  const verdict = report.verdict === 'pass' ? '✅ pass' : '❌ fail';
  const out: string[] = [
    `# ingestbench: ${escapeMarkdown(report.run.scenario.name)} — ${verdict}${report.run.partial ? ' (partial run)' : ''}`,
    '',
    escapeMarkdown(headline(report)),
    '',
    '## Latency',
    '',
    table(LATENCY_HEADER, latencyRows(report), 2),
    '',
    '## Events',
    '',
    table(COUNT_HEADER, countRows(report), 1),
    '',
    ...[lossLine(report), ...eventNotes(report, { lagTrend: true })].flatMap((line) => [
      escapeMarkdown(line),
      '',
    ]),
  ];
  const errors = errorEntries(report);
  if (errors.length > 0) out.push('## Errors', '', table(['kind', 'attempts'], errors, 1), '');
  const cost = costEntries(report.cost);
  if (cost.length > 0) out.push('## Processing cost', '', table(['measure', 'value'], cost, 1), '');
  out.push('## SLA', '');
  if (report.sla.length === 0) out.push('No checks in the scenario.', '');
  else
    out.push(
      table(
        ['check', 'result', 'detail'],
        report.sla.map((r) => [r.check, r.pass ? 'pass' : 'FAIL', r.detail]),
        99,
      ),
      '',
    );
  out.push(`**Verdict: ${report.verdict}**`, '');
  return out.join('\n');
}
