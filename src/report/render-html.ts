// report.html: one self-contained page (inline CSS and SVG, no script, no external assets) that
// can be attached to a CI run or mailed. Every piece of text from the run is escaped.

import { EVENT_CLASSES } from '../scenario/scenario.js';
import { percentileCurve } from '../measure/latency-summary.js';
import {
  COUNT_HEADER,
  LATENCY_HEADER,
  costEntries,
  countRows,
  errorEntries,
  headline,
  latencyRows,
  eventNotes,
  lossLine,
  resolutionBound,
} from './report-rows.js';
import { lagSection } from './lag-section.js';
import type { Report } from './report-types.js';
import { REPORT_CSS, htmlTable, slaTable } from './html-parts.js';
import { escapeHtml, percentileChart, timelineChart, type ChartSeries } from './svg-charts.js';

const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

export function renderHtml(report: Report): string {
  const verdictClass = report.verdict === 'pass' ? 'pass' : 'fail';
  const curve = (name: string, color: string, encoded: string): ChartSeries => ({
    name,
    color,
    points: percentileCurve(encoded, CURVE_PERCENTILES),
  });
  const latencyChart = percentileChart('Latency by percentile', [
    curve('visible, anonymous', '#0969da', report.latency.visible.anonymous.histogram),
    curve('visible, identified', '#8250df', report.latency.visible.identified.histogram),
    ...(report.latency.created
      ? [curve('created_at (ingestion worker), all', '#57606a', report.latency.created.all.histogram)]
      : []),
    curve('ack, all', '#1a7f37', report.latency.ack.all.histogram),
    curve('send delay, all', '#bf8700', report.latency.sendDelay.all.histogram),
  ]);
  const t = report.timeline;
  const timeline = timelineChart(
    'Events per second',
    [
      { name: 'sent', color: '#bf8700', points: t.map((p) => [p.second, p.sent] as const) },
      { name: 'acknowledged', color: '#1a7f37', points: t.map((p) => [p.second, p.acknowledged] as const) },
      { name: 'first seen', color: '#0969da', points: t.map((p) => [p.second, p.visible] as const) },
    ],
    t.map((p) => p.errors),
  );
  const errors = errorEntries(report);
  const cost = costEntries(report.cost);
  const resolution = report.latency.visible.all.resolutionMs;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ingestbench ${escapeHtml(report.run.id)}: ${escapeHtml(report.run.scenario.name)}</title>
<style>${REPORT_CSS}</style></head><body>
<h1>ingestbench: ${escapeHtml(report.run.scenario.name)} <span class="badge ${verdictClass}">${escapeHtml(report.verdict.toUpperCase())}</span>${report.run.partial ? ' <span class="fail">partial run</span>' : ''}</h1>
<p>${escapeHtml(headline(report))}</p>
<p class="note">ingestbench ${escapeHtml(report.run.ingestbenchVersion)}, node ${escapeHtml(report.run.node)}, seed ${report.run.seed}, ${report.run.workers} workers, report schema ${report.schemaVersion}.</p>
<h2>Latency</h2>
${htmlTable(LATENCY_HEADER, latencyRows(report), { numericFrom: 2 })}
<p class="note">Visible latency is measured from the intended send time to the response of the poll that first returned the event: each figure may overstate by up to the resolution and never understates${resolution === undefined ? '' : ` (${escapeHtml(resolutionBound(resolution))})`}.${report.latency.created ? ' created_at figures are the time the target’s ingestion worker stamped, by its clock: they exclude the hop into ClickHouse.' : ''}</p>
${latencyChart}
<h2>Events</h2>
${htmlTable(COUNT_HEADER, countRows(report), { numericFrom: 1 })}
<p>${escapeHtml(lossLine(report))}</p>
${eventNotes(report, { lagTrend: false })
  .map((line) => `<p class="note">${escapeHtml(line)}</p>`)
  .join('\n')}
${timeline}
${lagSection(report)}
${errors.length > 0 ? `<h2>Errors</h2>${htmlTable(['kind', 'attempts'], errors, { numericFrom: 1 })}` : ''}
${cost.length > 0 ? `<h2>Processing cost</h2>${htmlTable(['measure', 'value'], cost, { numericFrom: 1 })}` : ''}
<h2>SLA</h2>
${slaTable(report.sla, 'No checks in the scenario.')}
<p><strong>Verdict: <span class="${verdictClass}">${escapeHtml(report.verdict)}</span></strong></p>
<p class="note">Classes: ${EVENT_CLASSES.map(escapeHtml).join(', ')}. Encoded HDR histograms are in report.json.</p>
</body></html>
`;
}
