// The sentence that says whether lag grew, for the terminal summary, summary.md and report.html:
// the least-squares slope of the per-second visible p50 over the steady phase, per class, with the
// change it implies over the window and whether that exceeds the poll resolution. Named for what
// it is (a fitted trend of a median), so nobody reads it as a promise about the tail.

import { EVENT_CLASSES } from '../scenario/scenario.js';
import { formatDuration } from '../core/format.js';
import type { LagTrend, Report } from './report-types.js';

const sign = (v: number): string => (v >= 0 ? '+' : '-');
const perMinute = (ms: number): string => `${sign(ms)}${Math.abs(ms).toFixed(1)} ms/min`;
const change = (ms: number): string => `${sign(ms)}${formatDuration(Math.abs(ms))}`;

function classPart(name: string, trend: LagTrend): string {
  if (trend.p50MsPerMinute === null || trend.p50ChangeMs === null)
    return `${name} — (${trend.points === 0 ? 'no visible events' : 'one second only'})`;
  const verdict = trend.direction === 'flat' ? 'flat: within the resolution' : trend.direction!;
  return `${name} ${perMinute(trend.p50MsPerMinute)} (${change(trend.p50ChangeMs)} over the window: ${verdict})`;
}

export function lagTrendLine(report: Report): string {
  const t = report.lagTrend;
  const where = t.window === 'steady' ? 'steady phase' : 'measured phases (no steady phase)';
  const span = `${formatDuration(t.fromSecond * 1000)}–${formatDuration(t.toSecond * 1000)}`;
  // A merge of several shards has no per-second p50s to fit (merge-timeline.ts): say so, rather
  // than "no visible events".
  if ((report.run.merged?.present.length ?? 0) > 1) {
    return `visible p50 trend over ${where}, ${span}: not fitted for a merged run (per-second percentiles of several shards cannot be combined); each shard's trend is in the notes`;
  }
  return (
    `visible p50 trend over ${where}, ${span} (least squares of per-second p50s): ` +
    EVENT_CLASSES.map((c) => classPart(c, t.classes[c])).join(', ')
  );
}
