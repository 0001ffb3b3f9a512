// `run --metrics-listen`: the monitor's metrics fed from a run's live hook (live/live-event.ts).
// Each ended second adds what happened in it; the final report then settles every counter to the
// report's own totals (lost exists only then: a run decides it at the end of its drain), so a
// scrape after the run reads exactly the report's event figures. ingestbench_queries_total also
// counts the preflight's queries (the key's budget does), which the report's observation leaves out. Counters only rise: a second that
// counted more than the report would be a bug in the live hook, and is logged, not hidden.
//
// ingestbench_visible_latency_seconds is fed by `onVisible` (runScenario's), called by the
// observers with each latency as it is measured: the live hook's seconds carry percentiles only.
// It holds the measured phases' events (warm-up and cool-down are counted, not measured, as in
// the report), so its _count ends equal to the report's latency.visible.<class>.count.
//
// What a run does not serve: the monitor's gauges of unseen age, SLA window and last poll (a run
// judges its SLA at the end).

import { debuglog } from 'node:util';
import type { LiveListener } from '../live/live-event.js';
import type { VisibleListener } from '../observe/observation-result.js';
import { EVENT_CLASSES } from '../scenario/scenario.js';
import { createIngestionMetrics, type IngestionMetrics } from './ingestion-metrics.js';

const debug = debuglog('ingestbench:metrics');

export interface RunMetrics {
  readonly metrics: IngestionMetrics;
  readonly onLive: LiveListener;
  /** Pass as runScenario's onVisible: each measured visible latency into the histogram. */
  readonly onVisible: VisibleListener;
}

export function createRunMetrics(deadlineSeconds: number, pollIntervalMs: number): RunMetrics {
  let resolutionMs = pollIntervalMs;
  const metrics = createIngestionMetrics(deadlineSeconds, { resolutionSeconds: () => resolutionMs / 1000 });
  const onLive: LiveListener = (event) => {
    switch (event.type) {
      case 'started':
        resolutionMs = event.pollIntervalMs;
        return;
      case 'second':
        for (const cls of EVENT_CLASSES) {
          const s = event.second.classes[cls];
          metrics.sent(cls, s.sent);
          metrics.acknowledged(cls, s.acknowledged);
          metrics.visibleCount(cls, s.visible);
          metrics.captureErrors(cls, s.rejected + s.failed);
        }
        metrics.queries(event.second.queries);
        return;
      case 'report': {
        const { report } = event;
        const totals = metrics.totals();
        resolutionMs = report.observation.resolutionMs;
        for (const cls of EVENT_CLASSES) {
          const want = report.classes[cls];
          const have = totals.classes[cls];
          const settle = (field: string, add: (n: number) => void, target: number, now: number): void => {
            if (target < now) debug('%s %s: live seconds counted %d, the report %d', cls, field, now, target);
            add(target - now);
          };
          settle('sent', (n) => metrics.sent(cls, n), want.sent, have.sent);
          settle('acknowledged', (n) => metrics.acknowledged(cls, n), want.acknowledged, have.acknowledged);
          settle('visible', (n) => metrics.visibleCount(cls, n), want.visible, have.visible);
          settle('lost', (n) => metrics.lost(cls, n), want.lost, have.lost);
          settle('unverified', (n) => metrics.unverified(cls, n), want.unverified, have.unverified);
          settle(
            'capture errors',
            (n) => metrics.captureErrors(cls, n),
            want.rejected + want.failed,
            have.captureErrors,
          );
        }
        // The live seconds count every query of the run, the preflight's too (the key's budget
        // counts them), which the report's observation.queries leaves out: never fewer than it.
        metrics.queries(report.observation.queries - totals.queries);
        metrics.queryErrors(report.observation.errors - totals.queryErrors);
        return;
      }
      default:
        return;
    }
  };
  const onVisible: VisibleListener = (eventClass, _events, measured, latencyMs) =>
    metrics.visibleLatencies(eventClass, latencyMs, measured);
  return { metrics, onLive, onVisible };
}
