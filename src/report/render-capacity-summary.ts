// The capacity report as text: the terminal summary (stderr) and summary.md. Plain text tables,
// like the run summary, so they read the same in a CI log as in a terminal.

import type { CapacityReport } from './capacity-report.js';
import {
  CAPACITY_HEADER,
  STEP_HEADER,
  capacityRows,
  criteriaLine,
  sensitivityLine,
  queriesLine,
  ratioLine,
  stepRows,
} from './capacity-rows.js';
import { textTable, type Align } from './text-table.js';

const right = (n: number): Align[] => Array.from({ length: n }, () => 'right');

const nonNull = (line: string | null): string[] => (line === null ? [] : [line]);

export function renderCapacitySummary(report: CapacityReport): string {
  const out = [
    `capacity ${report.run.id}: ${report.run.scenario.name} on ${report.run.target.kind}` +
      `${report.run.targetCpus === null ? '' : ` (target pinned to CPU ${report.run.targetCpus})`}: ${report.verdict.toUpperCase()}` +
      `${report.run.partial ? ' (partial: interrupted)' : ''}`,
    '',
    textTable(CAPACITY_HEADER, capacityRows(report), ['left', ...right(CAPACITY_HEADER.length - 1)]),
    '',
    ratioLine(report),
    criteriaLine(report),
    ...nonNull(sensitivityLine(report)),
    queriesLine(report.capacity.queries),
    '',
    textTable(STEP_HEADER, stepRows(report), ['left', 'left', ...right(5), 'left']),
  ];
  if (report.sla.length > 0) {
    out.push('', 'SLA:', ...report.sla.map((r) => `  ${r.pass ? 'pass' : 'FAIL'}  ${r.detail}`));
  }
  return `${out.join('\n')}\n`;
}

export function renderCapacityMarkdown(report: CapacityReport): string {
  return `# ingestbench capacity: ${report.run.scenario.name}\n\n\`\`\`\n${renderCapacitySummary(report)}\`\`\`\n`;
}
