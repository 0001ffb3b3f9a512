// The terminal summary printed at the end of `ingestbench run` (to stderr): the verdict first,
// then latency per class, the accounting of every event, how it was observed, errors and SLA.
// Plain text, no colour codes, so it reads the same in a CI log as in a terminal.

import { textTable, type Align } from './text-table.js';
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

const right = (n: number): Align[] => Array.from({ length: n }, () => 'right');

export function renderSummary(report: Report): string {
  const out: string[] = [headline(report), ''];
  out.push(
    textTable(LATENCY_HEADER, latencyRows(report), ['left', 'left', ...right(LATENCY_HEADER.length - 2)]),
    '',
  );
  out.push(textTable(COUNT_HEADER, countRows(report), ['left', ...right(COUNT_HEADER.length - 1)]), '');
  out.push(lossLine(report), ...eventNotes(report, { lagTrend: true }));
  const errors = errorEntries(report);
  if (errors.length > 0) out.push(`errors: ${errors.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  const cost = costEntries(report.cost);
  if (cost.length > 0) {
    out.push("processing cost (from the target's metrics):");
    for (const [k, v] of cost) out.push(`  ${k.padEnd(38)} ${v}`);
  }
  out.push('');
  if (report.sla.length === 0) out.push('sla: no checks in the scenario');
  for (const r of report.sla) out.push(`  ${r.pass ? 'pass' : 'FAIL'}  ${r.check}: ${r.detail}`);
  out.push(
    `verdict: ${report.verdict === 'pass' ? 'PASS' : 'FAIL'}${report.run.partial ? ' (partial run)' : ''}`,
  );
  return `${out.join('\n')}\n`;
}
