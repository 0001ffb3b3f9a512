// report.html of a capacity run: the answer per class, the ratio, the latency-against-rate chart
// with each knee marked, and every step with why it passed or failed. Self-contained, escaped.

import { capacityChart } from './capacity-chart.js';
import type { CapacityReport } from './capacity-report.js';
import {
  CAPACITY_HEADER,
  STEP_HEADER,
  capacityRows,
  classesOf,
  criteriaLine,
  sensitivityLine,
  ratioLine,
  stepRows,
} from './capacity-rows.js';
import { REPORT_CSS, htmlTable, slaTable } from './html-parts.js';
import { escapeHtml } from './svg-charts.js';

export function renderCapacityHtml(report: CapacityReport): string {
  const verdictClass = report.verdict === 'pass' ? 'pass' : 'fail';
  const sensitivity = sensitivityLine(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ingestbench capacity ${escapeHtml(report.run.id)}: ${escapeHtml(report.run.scenario.name)}</title>
<style>${REPORT_CSS}</style></head><body>
<h1>ingestbench capacity: ${escapeHtml(report.run.scenario.name)} <span class="badge ${verdictClass}">${escapeHtml(report.verdict.toUpperCase())}</span>${report.run.partial ? ' <span class="fail">partial run</span>' : ''}</h1>
<p class="note">target ${escapeHtml(report.run.target.kind)}${report.run.targetCpus === null ? '' : `, pinned to CPU ${escapeHtml(report.run.targetCpus)}`}; ingestbench ${escapeHtml(report.run.ingestbenchVersion)}, node ${escapeHtml(report.run.node)}, seed ${report.run.seed}.</p>
<h2>Capacity</h2>
${htmlTable(CAPACITY_HEADER, capacityRows(report))}
<p>${escapeHtml(ratioLine(report))}</p>
<p class="note">${escapeHtml(criteriaLine(report))}. “≥” marks a capacity above what this machine could send: the target was not the limit.</p>
${sensitivity === null ? '' : `<p class="fail">${escapeHtml(sensitivity)}</p>`}
${capacityChart('Visible latency against offered rate', classesOf(report))}
<h2>Steps</h2>
${htmlTable(STEP_HEADER, stepRows(report))}
<h2>SLA</h2>
${slaTable(report.sla, 'No capacity.* checks in the scenario.')}
</body></html>
`;
}
