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
// The monitor's three gauges, read when scraped, with the monitor's code where it has one:
// - ingestbench_last_poll_timestamp_seconds: when the observer's last good poll had been read
//   (ObserverStats.lastPollAt, through runScenario's onObserving); 0 before the first.
// - ingestbench_oldest_unseen_event_age_seconds: now − the intended time of the oldest acknowledged
//   event the last poll had not seen (exact: from the ledger; counts: the start of the oldest
//   bucket whose visible count is short of its acknowledged count, so up to a bucket more); 0 when
//   none. A run decides lost only at its end, so an event the target dropped keeps it growing
//   until then; once the report is in it stays at its value then.
// - ingestbench_sla_ok: the monitor's judgeWindow (monitor-sla.ts) over a rolling window (the
//   monitor's default 5 minutes) of the measured events seen, with the deadline condition on the
//   age above; the report's lost events enter the window as lost when it arrives. Events that
//   share a class, a second and a latency (to 3 significant digits, rounded up) are one outcome,
//   so the window holds a few outcomes a second however fast the run sends.

import { debuglog } from 'node:util';
import { systemClock, type Clock } from '../clock.js';
import type { LiveListener } from '../live/live-event.js';
import type { VisibleListener } from '../observe/observation-result.js';
import type { ObserverStats } from '../observe/observer.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import { createIngestionMetrics, type IngestionMetrics } from './ingestion-metrics.js';
import { judgeWindow, type MonitorSla } from './monitor-sla.js';
import { OutcomeWindow } from './outcome-window.js';
import { MONITOR_DEFAULTS } from './plan-monitor.js';

const debug = debuglog('ingestbench:metrics');

export interface RunMetrics {
  readonly metrics: IngestionMetrics;
  readonly onLive: LiveListener;
  /** Pass as runScenario's onVisible: each measured visible latency into the histogram and the window. */
  readonly onVisible: VisibleListener;
  /** Pass as runScenario's onObserving: the last poll and the oldest unseen event, read when scraped. */
  readonly onObserving: (stats: () => ObserverStats) => void;
}

export interface RunMetricsOptions {
  /** The run's clock (default: systemClock). */
  readonly clock?: Clock;
  /** The rolling window ingestbench_sla_ok judges (default: the monitor's, 5 minutes). */
  readonly windowMs?: number;
}

/** `sla`: planMonitorSla(scenario.sla), as a monitor of the scenario would judge it. */
export function createRunMetrics(
  sla: MonitorSla,
  pollIntervalMs: number,
  options: RunMetricsOptions = {},
): RunMetrics {
  const clock = options.clock ?? systemClock;
  let resolutionMs = pollIntervalMs;
  let observer: (() => ObserverStats) | null = null;
  /** Set when the report is in: the age the run ended with. */
  let finalAgeMs: number | null = null;
  const outcomes = new OutcomeWindow(options.windowMs ?? MONITOR_DEFAULTS.windowMs);
  // The second being filled, per class: coarse latency → events; into the window when it ends.
  let second = Number.NaN;
  const filling: Record<EventClass, Map<number, number>> = { anonymous: new Map(), identified: new Map() };
  const flush = (): void => {
    for (const cls of EVENT_CLASSES) {
      for (const [latencyMs, count] of filling[cls])
        outcomes.record({ decidedAtMs: second * 1000, eventClass: cls, latencyMs, count });
      filling[cls].clear();
    }
  };
  const oldestUnseenAgeMs = (now: number): number => {
    if (finalAgeMs !== null) return finalAgeMs;
    const at = observer?.().oldestUnseenAt ?? Number.NaN;
    return Number.isNaN(at) ? 0 : Math.max(0, now - at);
  };
  const slaOk = (now: number): boolean => {
    flush();
    return judgeWindow(sla, outcomes.window(now), oldestUnseenAgeMs(now)).ok;
  };
  const metrics = createIngestionMetrics(sla.deadlineMs / 1000, {
    oldestUnseenAgeSeconds: () => oldestUnseenAgeMs(clock.now()) / 1000,
    slaOk: () => (slaOk(clock.now()) ? 1 : 0),
    lastPollSeconds() {
      const at = observer?.().lastPollAt ?? Number.NaN;
      return Number.isNaN(at) ? 0 : at / 1000;
    },
    resolutionSeconds: () => resolutionMs / 1000,
  });
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
        // The run has decided what it never saw: lost, into the window as the monitor counts it.
        const now = clock.now();
        flush();
        for (const cls of EVENT_CLASSES) {
          const lost = report.classes[cls].lost;
          if (lost > 0)
            outcomes.record({ decidedAtMs: now, eventClass: cls, latencyMs: Infinity, count: lost });
        }
        finalAgeMs = oldestUnseenAgeMs(now);
        return;
      }
      default:
        return;
    }
  };
  const onVisible: VisibleListener = (eventClass, _events, measured, latencyMs, atMs) => {
    metrics.visibleLatencies(eventClass, latencyMs, measured);
    if (measured <= 0) return;
    const s = Math.floor(atMs / 1000);
    if (s !== second) {
      flush();
      second = s;
    }
    const coarse = coarseLatencyMs(latencyMs);
    const cell = filling[eventClass];
    cell.set(coarse, (cell.get(coarse) ?? 0) + measured);
  };
  const onObserving = (stats: () => ObserverStats): void => {
    observer = stats;
  };
  return { metrics, onLive, onVisible, onObserving };
}

/** A latency rounded up to 3 significant digits (never below the truth); a negative one (skew) is 0. */
function coarseLatencyMs(ms: number): number {
  if (!(ms > 0)) return 0;
  const step = 10 ** (Math.floor(Math.log10(ms)) - 2);
  return Math.ceil(ms / step - 1e-9) * step;
}
