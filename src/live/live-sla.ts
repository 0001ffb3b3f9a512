// The scenario's SLA checks as they stand mid-run, for the live view. The same evaluateSla() the
// report is judged with, over a lookup of what the run knows so far: visible percentiles of the
// measured events seen so far, counts so far, the capture error share, the dropped share of
// the events due so far. What only the end can say
// (lost, unverified, duplicates, ack and send-delay percentiles, the achieved rate over the
// measured phases) has no value yet and is `pending`, never passed or failed early.

import type { Histogram } from 'hdr-histogram-js';
import { latencyHistogram } from '../core/latency-histogram.js';
import { toMs } from '../measure/latency-summary.js';
import type { SlaCheck } from '../scenario/scenario.js';
import { evaluateSla } from '../verdict/evaluate-sla.js';
import type { LiveSlaCheck } from './live-event.js';
import type { LiveTotals } from './live-timeline.js';

const PERCENTILES: Readonly<Record<string, number>> = { p50: 50, p90: 90, p99: 99, p999: 99.9 };
const COUNTS_SO_FAR = new Set(['sent', 'acknowledged', 'rejected', 'failed', 'dropped', 'visible']);

export function liveSla(checks: readonly SlaCheck[], totals: LiveTotals): LiveSlaCheck[] {
  const { results } = evaluateSla(checks, liveLookup(totals));
  return results.map((r) => ({
    check: r.check,
    metric: r.metric,
    value: r.value,
    unit: r.unit,
    status: r.value === null ? 'pending' : r.pass ? 'pass' : 'fail',
  }));
}

function liveLookup(totals: LiveTotals): (path: string) => number | null {
  const { anonymous, identified } = totals.classes;
  const sum = (field: keyof typeof anonymous): number => anonymous[field] + identified[field];
  return (path) => {
    if (path === 'capture.error_share') {
      const sent = sum('sent');
      return sent > 0 ? (sum('rejected') + sum('failed')) / sent : null;
    }
    const parts = path.split('.');
    let scope: 'all' | 'anonymous' | 'identified' = 'all';
    if (parts[0] === 'anonymous' || parts[0] === 'identified') scope = parts.shift() as typeof scope;
    const [name, stat, ...rest] = parts;
    if (name === undefined || rest.length > 0) return null;
    if (stat !== undefined) {
      if (name !== 'visible') return null;
      return percentileOf(
        scope === 'all'
          ? [totals.visibleLatency.anonymous, totals.visibleLatency.identified]
          : [totals.visibleLatency[scope]],
        stat,
      );
    }
    const of = (field: keyof typeof anonymous): number =>
      scope === 'all' ? sum(field) : totals.classes[scope][field];
    // Of the events due so far (sent or dropped): the planned total is known only at the end.
    if (name === 'dropped_share') {
      const due = of('sent') + of('dropped');
      return due > 0 ? of('dropped') / due : null;
    }
    return COUNTS_SO_FAR.has(name) ? of(name as keyof typeof anonymous) : null;
  };
}

function percentileOf(histograms: readonly Histogram[], stat: string): number | null {
  let histogram = histograms[0];
  if (!histogram) return null;
  if (histograms.length > 1) {
    histogram = latencyHistogram();
    for (const h of histograms) histogram.add(h);
  }
  if (histogram.totalCount === 0) return null;
  if (stat === 'max') return toMs(histogram.maxValue);
  const percentile = PERCENTILES[stat];
  return percentile === undefined ? null : toMs(histogram.getValueAtPercentile(percentile));
}
