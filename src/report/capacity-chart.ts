// report.html's capacity chart: visible latency (p50 and p99) against the offered rate, one pair
// of lines per class, failing steps as red dots and each class's knee (its sustainable rate) as a
// dashed vertical line. Inline SVG on the same frame as the run report's charts.

import type { ClassCapacity } from '../verdict/capacity-types.js';
import type { EventClass } from '../scenario/scenario.js';
import { formatCount, formatDuration } from '../core/format.js';
import { PLOT, escapeHtml, frame, yAxis, type ChartSeries } from './svg-charts.js';

const COLORS: Record<EventClass, { p50: string; p99: string }> = {
  anonymous: { p50: '#54aeff', p99: '#0969da' },
  identified: { p50: '#c297ff', p99: '#8250df' },
};

export function capacityChart(title: string, classes: readonly [EventClass, ClassCapacity][]): string {
  const steps = classes.flatMap(([, c]) => c.steps);
  if (steps.length === 0) return `<p class="empty">${escapeHtml(title)}: no steps.</p>`;
  const maxRate = Math.max(...steps.map((s) => s.rate));
  const x = (rate: number): number => PLOT.left + (maxRate > 0 ? rate / maxRate : 0) * PLOT.width;
  const latencies = steps.flatMap((s) => [s.visibleP50Ms ?? 0, s.visibleP99Ms ?? 0]);
  const { scale, labels } = yAxis(Math.max(...latencies), formatDuration);
  const series: ChartSeries[] = [];
  let body = '';
  for (const [cls, c] of classes) {
    const sorted = [...c.steps].filter((s) => s.visibleP99Ms !== null).sort((a, b) => a.rate - b.rate);
    for (const stat of ['p50', 'p99'] as const) {
      const s: ChartSeries = {
        name: `${cls} ${stat}`,
        color: COLORS[cls][stat],
        points: sorted.map(
          (step) => [step.rate, (stat === 'p50' ? step.visibleP50Ms : step.visibleP99Ms) ?? 0] as const,
        ),
      };
      series.push(s);
      body += `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([r, ms]) => `${x(r).toFixed(1)},${scale(ms).toFixed(1)}`).join(' ')}"/>`;
    }
    for (const step of sorted) {
      const fill = step.pass ? COLORS[cls].p99 : '#d33';
      body +=
        `<circle cx="${x(step.rate).toFixed(1)}" cy="${scale(step.visibleP99Ms!).toFixed(1)}" r="3.5" fill="${fill}">` +
        `<title>${escapeHtml(`${cls} ${formatCount(step.rate)}/s: ${step.pass ? 'pass' : `fail (${step.reasons.join('; ')})`}`)}</title></circle>`;
    }
    if (c.sustainable !== null) {
      const kx = x(c.sustainable).toFixed(1);
      body +=
        `<line x1="${kx}" x2="${kx}" y1="${PLOT.top}" y2="${PLOT.top + PLOT.height}" stroke="${COLORS[cls].p99}" stroke-dasharray="4 3"/>` +
        `<text x="${kx}" y="${PLOT.top + 12}" font-size="11" text-anchor="end" fill="${COLORS[cls].p99}">${escapeHtml(`${cls} knee ${c.limitedBy === 'generator' ? '≥ ' : ''}${formatCount(c.sustainable)}/s`)}</text>`;
    }
  }
  const xLabels = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<text x="${x(maxRate * f).toFixed(1)}" y="${PLOT.labelY}" font-size="11" text-anchor="middle">${escapeHtml(`${formatCount(Math.round(maxRate * f))}/s`)}</text>`,
    )
    .join('');
  return frame(title, body, xLabels, labels, series);
}
