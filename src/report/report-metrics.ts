// The values SLA checks are judged on, read from a finished report (so a merged report or a
// baseline is judged exactly like a live run). Paths are the catalogue in scenario/sla-metrics.ts:
// for each scope '', 'anonymous.', 'identified.': visible|ack|sendDelay .p50|p90|p99|p999|max (ms),
// the counts, lost_share, dropped_share; then capture.error_share, rate.achieved (events/s),
// rate.achieved_share.
// null means "not measured" (no events, division by zero, unknown path): the check then fails.

import type { ClassTotals, LatencyMetric, LatencyScope, Report } from './report-types.js';

const LATENCY = new Set<string>(['visible', 'ack', 'sendDelay']);
const STATS = new Set<string>(['p50', 'p90', 'p99', 'p999', 'max']);
const COUNTS = new Set<string>([
  'lost',
  'unverified',
  'duplicates',
  'dropped',
  'rejected',
  'failed',
  'visible',
  'acknowledged',
  'sent',
  'planned',
]);

const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

/** Reads only the figures (totals, classes, latency): a merge looks them up before it is judged. */
export function metricLookup(
  report: Pick<Report, 'totals' | 'classes' | 'latency'>,
): (path: string) => number | null {
  const totalsOf = (scope: LatencyScope): ClassTotals =>
    scope === 'all' ? report.totals : report.classes[scope];

  return (path) => {
    switch (path) {
      case 'capture.error_share':
        return ratio(report.totals.sent - report.totals.acknowledged, report.totals.sent);
      case 'rate.achieved':
        return report.totals.rate.achieved;
      case 'rate.achieved_share':
        return ratio(report.totals.rate.achieved, report.totals.rate.target);
      default:
        break;
    }
    const parts = path.split('.');
    let scope: LatencyScope = 'all';
    if (parts[0] === 'anonymous' || parts[0] === 'identified') scope = parts.shift() as LatencyScope;
    const [name, stat, ...rest] = parts;
    if (name === undefined || rest.length > 0) return null;
    if (stat !== undefined) {
      if (!LATENCY.has(name) || !STATS.has(stat)) return null;
      return report.latency[name as LatencyMetric][scope][stat as 'p50' | 'p90' | 'p99' | 'p999' | 'max'];
    }
    const totals = totalsOf(scope);
    if (name === 'lost_share') return ratio(totals.lost, totals.acknowledged);
    if (name === 'dropped_share') return ratio(totals.dropped, totals.planned);
    if (COUNTS.has(name)) return totals[name as 'lost'];
    return null;
  };
}
