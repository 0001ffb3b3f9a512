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
import { escapeHtml } from './svg-charts.js';

const CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;font-size:.85rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd}.pass{color:#1a7f37}.fail{color:#cf222e}
.badge{font-weight:bold;padding:.1rem .5rem;border:2px solid currentColor;border-radius:4px}p.note{color:#555;font-size:.85rem}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table>${head}${body}</table>`;
}

export function renderCapacityHtml(report: CapacityReport): string {
  const verdictClass = report.verdict === 'pass' ? 'pass' : 'fail';
  const sensitivity = sensitivityLine(report);
  const sla =
    report.sla.length === 0
      ? '<p>No capacity.* checks in the scenario.</p>'
      : table(
          ['check', 'result', 'detail'],
          report.sla.map((r) => [r.check, r.pass ? 'pass' : 'FAIL', r.detail]),
        );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ingestbench capacity ${escapeHtml(report.run.id)}: ${escapeHtml(report.run.scenario.name)}</title>
<style>${CSS}</style></head><body>
<h1>ingestbench capacity: ${escapeHtml(report.run.scenario.name)} <span class="badge ${verdictClass}">${escapeHtml(report.verdict.toUpperCase())}</span>${report.run.partial ? ' <span class="fail">partial run</span>' : ''}</h1>
<p class="note">target ${escapeHtml(report.run.target.kind)}${report.run.targetCpus === null ? '' : `, pinned to CPU ${escapeHtml(report.run.targetCpus)}`}; ingestbench ${escapeHtml(report.run.ingestbenchVersion)}, node ${escapeHtml(report.run.node)}, seed ${report.run.seed}.</p>
<h2>Capacity</h2>
${table(CAPACITY_HEADER, capacityRows(report))}
<p>${escapeHtml(ratioLine(report))}</p>
<p class="note">${escapeHtml(criteriaLine(report))}. “≥” marks a capacity above what this machine could send: the target was not the limit.</p>
${sensitivity === null ? '' : `<p class="fail">${escapeHtml(sensitivity)}</p>`}
${capacityChart('Visible latency against offered rate', classesOf(report))}
<h2>Steps</h2>
${table(STEP_HEADER, stepRows(report))}
<h2>SLA</h2>
${sla}
</body></html>
`;
}
