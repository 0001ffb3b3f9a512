// report.html's "Lag over time": the trend sentence, visible p50/p99 per class by intended second
// (the trend window shaded), and beside it each class's events sent, acknowledged and first seen
// per second, so a growing lag can be read against what was being sent at the time.

import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import { lagTrendLine } from './lag-trend-line.js';
import type { Report } from './report-types.js';
import { escapeHtml, lagChart, timelineChart, type LagSeries } from './svg-charts.js';

const COLOR: Readonly<Record<EventClass, string>> = { anonymous: '#0969da', identified: '#8250df' };

export function lagSection(report: Report): string {
  const t = report.timeline;
  const series: LagSeries[] = EVENT_CLASSES.flatMap((cls) => [
    {
      name: `${cls} p50`,
      color: COLOR[cls],
      points: t.map((p) => [p.second, p.classes[cls].visibleP50] as const),
    },
    {
      name: `${cls} p99`,
      color: COLOR[cls],
      dashed: true,
      points: t.map((p) => [p.second, p.classes[cls].visibleP99] as const),
    },
  ]);
  const trend = report.lagTrend;
  const latency = lagChart('Visible latency over the run (p50 solid, p99 dashed)', series, {
    fromSecond: trend.fromSecond,
    toSecond: trend.toSecond,
    label: trend.window === 'steady' ? 'steady phase: the trend window' : 'measured phases: the trend window',
  });
  const perClass = EVENT_CLASSES.map((cls) =>
    timelineChart(
      `${cls} events per second`,
      [
        {
          name: `${cls} sent`,
          color: '#bf8700',
          points: t.map((p) => [p.second, p.classes[cls].sent] as const),
        },
        {
          name: `${cls} acked`,
          color: '#1a7f37',
          points: t.map((p) => [p.second, p.classes[cls].acknowledged] as const),
        },
        {
          name: `${cls} seen`,
          color: COLOR[cls],
          points: t.map((p) => [p.second, p.classes[cls].visible] as const),
        },
      ],
      [],
    ),
  ).join('\n');
  return `<section id="lag-over-time">
<h2>Lag over time</h2>
<p>${escapeHtml(lagTrendLine(report))}</p>
${latency}
<p class="note">Each point is the visible latency of the events intended in that second (an upper bound, by up to the poll resolution); per-class sent counts are by intended time, acknowledged and seen by when they happened.</p>
${perClass}
</section>`;
}
