// The live outputs a `run` or `capacity` asked for (--dashboard, --timeline-out, and for a run
// --metrics-listen: the monitor's Prometheus metrics fed from the same events), started before
// the target and closed after the report is written, behind one listener for the run's onLive.
// When the run ends the dashboard pushes the final report to every open page and stops serving:
// the page keeps showing that report, and the terminal says how many pages got it and where the
// report folder is, so nobody needs the process kept alive to read the result.

import { resolve } from 'node:path';
import { startDashboard, type Dashboard } from '../live/dashboard-server.js';
import type { LiveEvent, LiveListener } from '../live/live-event.js';
import { openTimelineOut, type TimelineOut } from '../live/timeline-out.js';
import { startMetricsServer, parseListen, type MetricsServer } from '../monitor/metrics-server.js';
import { planMonitorSla } from '../monitor/monitor-sla.js';
import { createRunMetrics } from '../monitor/run-metrics.js';
import type { VisibleListener } from '../observe/observation-result.js';
import type { ObserverStats } from '../observe/observer.js';
import type { Scenario } from '../scenario/scenario.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';

export interface LiveOutputs {
  /** undefined when neither output was asked for (the run then keeps no live feed). */
  readonly onLive: LiveListener | undefined;
  /** --metrics-listen: each visible event's latency into its histogram (runScenario's onVisible). */
  readonly onVisible: VisibleListener | undefined;
  /** --metrics-listen: the observer's last poll and oldest unseen event (runScenario's onObserving). */
  readonly onObserving: ((stats: () => ObserverStats) => void) | undefined;
  close(): Promise<void>;
}

/** `scenario`: the run's, for --metrics-listen (its SLA, judged as a monitor would, and poll interval). */
export async function openLiveOutputs(
  line: CommandLine,
  io: CliIo,
  title: string,
  scenario?: Scenario,
): Promise<LiveOutputs> {
  const o = line.options;
  const metricsListen =
    typeof o['metrics-listen'] === 'string' ? parseListen(o['metrics-listen'], '--metrics-listen') : null;
  const timeline: TimelineOut | null =
    typeof o['timeline-out'] === 'string' ? openTimelineOut(resolve(io.cwd, o['timeline-out'])) : null;
  let dashboard: Dashboard | null = null;
  let metricsServer: MetricsServer | null = null;
  const runMetrics =
    metricsListen && scenario
      ? createRunMetrics(planMonitorSla(scenario.sla), scenario.observation.pollIntervalMs)
      : null;
  try {
    dashboard =
      typeof o['dashboard'] === 'string' ? await startDashboard({ listen: o['dashboard'], title }) : null;
    if (runMetrics && metricsListen)
      metricsServer = await startMetricsServer(runMetrics.metrics, metricsListen);
  } catch (error) {
    timeline?.close();
    await dashboard?.close();
    throw error;
  }
  if (dashboard) io.stderr.write(`dashboard: ${dashboard.url}\n`);
  if (metricsServer) io.stderr.write(`metrics: ${metricsServer.url}/metrics\n`);
  const listeners = [timeline?.listener, dashboard?.listener, runMetrics?.onLive].filter(
    (l) => l !== undefined,
  );
  return {
    onLive:
      listeners.length === 0
        ? undefined
        : (event: LiveEvent) => {
            for (const l of listeners) l(event);
          },
    onVisible: runMetrics?.onVisible,
    onObserving: runMetrics?.onObserving,
    async close() {
      timeline?.close();
      await metricsServer?.close();
      if (!dashboard) return;
      await dashboard.close();
      const watching = dashboard.finalReportsSent();
      if (watching > 0)
        io.stderr.write(
          `dashboard: the final report went to ${watching} open page${watching === 1 ? '' : 's'}; the dashboard has stopped\n`,
        );
    },
  };
}
