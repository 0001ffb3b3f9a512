// `monitor --dashboard`: the monitor told through the same LiveEvents a run emits, so the same
// page draws it. A LiveTimeline (live/live-timeline.ts) cuts what happened into seconds: sent and
// acknowledged from the monitor's counters, each event a poll saw (with its latency) in the second
// it was seen, the query budget from the client. Once a second the ended seconds go out, then the
// SLA over the rolling window as it stands (the deadline condition as a check of its own) and a
// `monitor-status`. The timeline holds only seconds not yet emitted and the dashboard keeps a
// bounded window, so a monitor that runs for days costs no more than one that runs for a minute.

import type { Clock } from '../clock.js';
import type { LiveListener, LiveMonitorStatus, LiveSlaCheck } from '../live/live-event.js';
import { LiveTimeline } from '../live/live-timeline.js';
import type { QueryClientStats } from '../observe/query-client.js';
import type { EventClass } from '../scenario/scenario.js';
import type { SlaResult } from '../verdict/evaluate-sla.js';
import type { IngestionTotals } from './ingestion-metrics.js';
import type { MonitorPlan } from './plan-monitor.js';

export interface MonitorLiveOptions {
  readonly listener: LiveListener;
  readonly plan: MonitorPlan;
  readonly runId: string;
  readonly scenario: string;
  readonly startAtMs: number;
  readonly clock: Clock;
  readonly totals: () => IngestionTotals;
  readonly queryStats: () => QueryClientStats;
  /** The monitor's state at `nowMs`: its status and the window's SLA results. */
  readonly read: (nowMs: number) => { status: LiveMonitorStatus; results: readonly SlaResult[] };
}

export interface MonitorLive {
  /** A poll saw one event of `eventClass` at `atMs`, `latencyMs` after its intended time. */
  seen(eventClass: EventClass, latencyMs: number, atMs: number): void;
  /** Hands out each second as it ends, until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** The monitor has stopped (after its final poll): the last seconds and the final status. */
  stop(): void;
}

export function startMonitorLive(opts: MonitorLiveOptions): MonitorLive {
  const { plan, clock } = opts;
  const timeline = new LiveTimeline(opts.startAtMs, opts.queryStats().limits);
  opts.listener({
    type: 'monitor-started',
    runId: opts.runId,
    scenario: opts.scenario,
    startAtMs: opts.startAtMs,
    pollIntervalMs: plan.pollIntervalMs,
    ratePerClass: plan.ratePerClass,
    deadlineMs: plan.sla.deadlineMs,
    windowMs: plan.windowMs,
  });

  // The monitor counts capture errors of every kind together: the live view shows them as failed.
  const loadCounts = () => {
    const t = opts.totals().classes;
    const of = (cls: EventClass) => ({
      planned: t[cls].sent,
      sent: t[cls].sent,
      acknowledged: t[cls].acknowledged,
      rejected: 0,
      failed: t[cls].captureErrors,
      dropped: 0,
    });
    return { anonymous: of('anonymous'), identified: of('identified') };
  };
  const readLoad = (): void => {
    timeline.queries(opts.queryStats());
    timeline.load({ classes: loadCounts(), errors: {}, sendDelayMaxMs: null, inFlight: 0 });
  };
  const hand = (seconds: ReturnType<LiveTimeline['tick']>, nowMs: number): void => {
    for (const second of seconds) opts.listener({ type: 'second', second });
    const { status, results } = opts.read(nowMs);
    opts.listener({ type: 'sla', checks: liveChecks(results, status, plan.sla.deadlineMs) });
    opts.listener({ type: 'monitor-status', status });
  };

  return {
    seen: (eventClass, latencyMs, atMs) => timeline.visible(eventClass, 1, 1, latencyMs, atMs),
    async run(signal) {
      for (let k = 1; !signal.aborted; k += 1) {
        try {
          await clock.sleep(opts.startAtMs + k * 1000 - clock.now(), signal);
        } catch {
          return;
        }
        readLoad();
        const now = clock.now();
        hand(timeline.tick(now), now);
      }
    },
    stop() {
      readLoad();
      const now = clock.now();
      const counts = loadCounts();
      hand(timeline.finish(now, { counts, errors: {} }), now);
    },
  };
}

/** The window's checks as the live SLA table shows them, and the deadline condition beside them. */
function liveChecks(
  results: readonly SlaResult[],
  status: LiveMonitorStatus,
  deadlineMs: number,
): LiveSlaCheck[] {
  const checks: LiveSlaCheck[] = results.map((r) => ({
    check: r.check,
    metric: r.metric,
    value: r.value,
    unit: r.unit,
    status: r.value === null ? 'pending' : r.pass ? 'pass' : 'fail',
  }));
  checks.push({
    check: `oldest unseen event ≤ ${deadlineMs / 1000} s (the deadline)`,
    metric: 'oldest_unseen_age',
    value: status.oldestUnseenAgeMs,
    unit: 'ms',
    status: status.oldestUnseenAgeMs <= deadlineMs ? 'pass' : 'fail',
  });
  return checks;
}
