// The two charts of report.html as inline SVG strings (no script, no external assets):
// - latency by percentile, on the classic HDR axis where each step right is one more nine
//   (50%, 90%, 99%, 99.9%…), so the tail is as wide as the median;
// - the run's timeline: events sent, acknowledged and first seen per second, errors as bars.
// Pure: series in, markup out. Every text node goes through escapeHtml.

import { formatCount, formatDuration } from '../core/format.js';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** [x, y] points: percentile → ms for the latency chart, second → events for the timeline. */
  readonly points: readonly (readonly [number, number])[];
}

const W = 720;
const H = 300;
const PAD = { left: 70, right: 150, top: 16, bottom: 40 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;
/** The plot area, for charts built on frame() and yAxis() elsewhere. */
export const PLOT = {
  left: PAD.left,
  top: PAD.top,
  width: plotW,
  height: plotH,
  labelY: H - PAD.bottom + 16,
} as const;
const MAX_NINES = 5; // 99.999%

/** Percentile → "number of nines" position: 0 at 0%, 1 at 90%, 2 at 99%, … */
export function ninesOf(percentile: number): number {
  const p = Math.min(percentile, 100 - 10 ** -MAX_NINES * 100) / 100;
  return Math.log10(1 / (1 - p));
}

export function frame(
  title: string,
  body: string,
  xLabels: string,
  yLabels: string,
  legend: readonly ChartSeries[],
): string {
  const legendItems = legend
    .map(
      (s, i) =>
        `<g transform="translate(${W - PAD.right + 12},${PAD.top + 14 + i * 18})"><rect width="12" height="3" y="-4" fill="${escapeHtml(s.color)}"/>` +
        `<text x="18" y="0" font-size="11">${escapeHtml(s.name)}</text></g>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui, sans-serif">` +
    `<title>${escapeHtml(title)}</title>` +
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>` +
    `${xLabels}${yLabels}${body}${legendItems}</svg>`
  );
}

export function yAxis(
  maxY: number,
  format: (v: number) => string,
): { scale: (v: number) => number; labels: string } {
  const top = maxY > 0 ? maxY : 1;
  const scale = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const labels = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = scale(top * f);
      return (
        `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/>` +
        `<text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end">${escapeHtml(format(top * f))}</text>`
      );
    })
    .join('');
  return { scale, labels };
}

const polyline = (s: ChartSeries, x: (v: number) => number, y: (v: number) => number): string =>
  `<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="2" points="${s.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"><title>${escapeHtml(s.name)}</title></polyline>`;

export function percentileChart(title: string, series: readonly ChartSeries[]): string {
  const shown = series.filter((s) => s.points.length > 0);
  if (shown.length === 0) return `<p class="empty">${escapeHtml(title)}: no events measured.</p>`;
  const x = (percentile: number): number => PAD.left + (ninesOf(percentile) / MAX_NINES) * plotW;
  const { scale, labels } = yAxis(
    Math.max(...shown.flatMap((s) => s.points.map((p) => p[1]))),
    formatDuration,
  );
  const xLabels = [0, 50, 90, 99, 99.9, 99.99, 99.999]
    .map(
      (p) =>
        `<text x="${x(p).toFixed(1)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle">${p}%</text>`,
    )
    .join('');
  return frame(title, shown.map((s) => polyline(s, x, scale)).join(''), xLabels, labels, shown);
}

/** Six ticks along a time axis of `seconds` seconds, from "0 s" to the last second. */
function secondTicks(seconds: number, x: (second: number) => number): string {
  return Array.from({ length: 6 }, (_, i) => Math.round(((seconds - 1) * i) / 5))
    .filter((v, i, all) => all.indexOf(v) === i)
    .map(
      (s) =>
        `<text x="${x(s).toFixed(1)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(s === 0 ? '0 s' : formatDuration(s * 1000))}</text>`,
    )
    .join('');
}

export function timelineChart(
  title: string,
  series: readonly ChartSeries[],
  errorsPerSecond: readonly number[],
): string {
  const seconds = Math.max(errorsPerSecond.length, ...series.map((s) => s.points.length));
  if (seconds === 0) return `<p class="empty">${escapeHtml(title)}: no events.</p>`;
  const x = (second: number): number => PAD.left + (seconds > 1 ? second / (seconds - 1) : 0.5) * plotW;
  const maxY = Math.max(...series.flatMap((s) => s.points.map((p) => p[1])), ...errorsPerSecond);
  const { scale, labels } = yAxis(maxY, (v) => formatCount(Math.round(v)));
  const barW = Math.max(1, plotW / seconds - 1);
  const bars = errorsPerSecond
    .map((n, s) =>
      n > 0
        ? `<rect x="${(x(s) - barW / 2).toFixed(1)}" y="${scale(n).toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - scale(n)).toFixed(1)}" fill="#d33" opacity="0.6"/>`
        : '',
    )
    .join('');
  const ticks = secondTicks(seconds, x);
  const legend =
    errorsPerSecond.length > 0 ? [...series, { name: 'errors', color: '#d33', points: [] }] : series;
  return frame(title, bars + series.map((s) => polyline(s, x, scale)).join(''), ticks, labels, legend);
}

/** A line of the lag chart: [second, ms] points, null where the second has no figure (a gap). */
export interface LagSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [number, number | null])[];
}

/**
 * Visible latency over the run: p50/p99 lines per class against the second their events were
 * intended in, the trend window shaded, axes titled. Seconds with nothing seen break the line
 * rather than draw it down to zero.
 */
export function lagChart(
  title: string,
  series: readonly LagSeries[],
  window: { readonly fromSecond: number; readonly toSecond: number; readonly label: string } | null,
  /** What a second on the x axis is (the live view groups by when events were first seen). */
  xTitle = "intended send time (since the run's start)",
): string {
  const values = series.flatMap((s) => s.points.flatMap(([, v]) => (v === null ? [] : [v])));
  const seconds = Math.max(0, ...series.map((s) => s.points.length));
  if (values.length === 0 || seconds === 0)
    return `<p class="empty">${escapeHtml(title)}: no visible events measured.</p>`;
  const x = (second: number): number => PAD.left + (seconds > 1 ? second / (seconds - 1) : 0.5) * plotW;
  // Round gridlines (0, 1 s, 2 s, …) instead of quarters of whatever the maximum was.
  const { scale, labels } = yAxis(niceCeiling(Math.max(...values)), (v) =>
    v === 0 ? '0' : formatDuration(v),
  );
  const lines = series
    .map((s) => {
      const runs: (readonly [number, number])[][] = [[]];
      for (const [second, v] of s.points) {
        if (v === null) runs.push([]);
        else runs[runs.length - 1]!.push([second, v]);
      }
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      return runs
        .filter((run) => run.length > 0)
        .map((run) =>
          run.length === 1
            ? `<circle class="lag-line" cx="${x(run[0]![0]).toFixed(1)}" cy="${scale(run[0]![1]).toFixed(1)}" r="2" fill="${escapeHtml(s.color)}"><title>${escapeHtml(s.name)}</title></circle>`
            : `<polyline class="lag-line" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.5"${dash} points="${run.map(([a, b]) => `${x(a).toFixed(1)},${scale(b).toFixed(1)}`).join(' ')}"><title>${escapeHtml(s.name)}</title></polyline>`,
        )
        .join('');
    })
    .join('');
  const shade =
    window && window.toSecond > window.fromSecond
      ? `<rect class="trend-window" x="${x(window.fromSecond).toFixed(1)}" y="${PAD.top}" width="${Math.max(1, x(Math.min(window.toSecond, seconds - 1)) - x(window.fromSecond)).toFixed(1)}" height="${plotH}" fill="#0969da" opacity="0.06"><title>${escapeHtml(window.label)}</title></rect>`
      : '';
  const ticks = secondTicks(seconds, x);
  const axisTitles =
    `<text class="axis-title" x="${PAD.left + plotW / 2}" y="${H - 6}" font-size="11" text-anchor="middle" fill="#555">${escapeHtml(xTitle)}</text>` +
    `<text class="axis-title" transform="translate(14,${PAD.top + plotH / 2}) rotate(-90)" font-size="11" text-anchor="middle" fill="#555">visible latency</text>`;
  // Its own legend: a line swatch, dashed where the series is, so p50 and p99 tell apart.
  const legend = series
    .map(
      (s, i) =>
        `<g class="legend" transform="translate(${W - PAD.right + 12},${PAD.top + 14 + i * 18})"><line x1="0" x2="14" y1="-3" y2="-3" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 2"' : ''}/>` +
        `<text x="20" y="0" font-size="11">${escapeHtml(s.name)}</text></g>`,
    )
    .join('');
  return frame(title, shade + lines + axisTitles + legend, ticks, labels, []);
}

/** The smallest 4 × {1, 2, 2.5, 5} × 10^k at or above `value`: four gridline steps of a round size. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const rough = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= rough) ?? 10 * magnitude;
  return 4 * step;
}
