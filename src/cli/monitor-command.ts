// `ingestbench monitor FILE`: ingestion watched until SIGINT/SIGTERM. The plan lines and a
// summary at stop go to stderr, the metrics to --listen, a status line a minute to --log.
// Exit 0 when stopped by a signal (a monitor's verdict is its metrics, read by alert rules);
// 2 or 3 when the scenario, the flags or the target are wrong before it starts.

import { resolve } from 'node:path';
import { systemClock } from '../clock.js';
import { startDashboard, type Dashboard } from '../live/dashboard-server.js';
import { checkRunId } from '../load/shard-spec.js';
import { startMetricsServer, parseListen } from '../monitor/metrics-server.js';
import { httpCapture } from '../monitor/monitor-sender.js';
import { describeMonitorPlan, planMonitor } from '../monitor/plan-monitor.js';
import { runMonitor, type MonitorSummary } from '../monitor/run-monitor.js';
import { createQueryClient } from '../observe/query-client.js';
import { newRunId } from '../run-scenario.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { explainTargetError, settingNamesOf } from '../targets/explain-target-error.js';
import { checkCaptureReachable } from '../targets/preflight.js';
import { resolveTarget } from '../targets/resolve-target.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';

export async function monitorCommand(line: CommandLine, io: CliIo): Promise<number> {
  const o = line.options;
  const scenario = await loadScenario(resolve(io.cwd, line.positionals[0]!));
  const plan = planMonitor(scenario, {
    ratePerClass: Number(o['rate']),
    queryShare: Number(o['query-share']),
    windowMs: Number(o['sla-window']),
    ...(typeof o['deadline'] === 'number' ? { deadlineMs: o['deadline'] } : {}),
  });
  const listen = parseListen(String(o['listen']), '--listen');
  const runId = typeof o['run-id'] === 'string' ? checkRunId(o['run-id']) : `monitor-${newRunId()}`;
  const logFile = typeof o['log'] === 'string' ? resolve(io.cwd, o['log']) : undefined;
  const target = await resolveTarget(String(o['target']), io.env, {
    ...(typeof o['fault'] === 'string' ? { fault: o['fault'] } : {}),
  });
  try {
    const t = target.describe();
    io.stderr.write(
      `ingestbench monitor ${runId}\n${describeMonitorPlan(plan, scenario)}  target    ${t.kind}: capture ${t.captureUrl}, query ${t.queryUrl} (project ${t.projectId})\n`,
    );
    const clock = systemClock;
    const client = createQueryClient({
      queryUrl: target.queryUrl,
      projectId: target.projectId,
      personalKey: target.personalKey,
      limits: plan.limits,
      clock,
    });
    try {
      await checkCaptureReachable(target.captureUrl, target.token, io.signal, settingNamesOf(target));
      await client.preflight({ signal: io.signal });
    } catch (error) {
      if (io.signal.aborted) return 0;
      throw explainTargetError(error, target);
    }
    let server: Awaited<ReturnType<typeof startMetricsServer>> | null = null;
    const dashboard: Dashboard | null =
      typeof o['dashboard'] === 'string'
        ? await startDashboard({ listen: o['dashboard'], title: `${scenario.name} monitor` })
        : null;
    if (dashboard) io.stderr.write(`  dashboard ${dashboard.url}\n`);
    try {
      const summary = await runMonitor({
        scenario,
        plan,
        runId,
        token: target.token,
        capture: httpCapture(target.captureUrl, scenario.requestTimeoutMs),
        client,
        clock,
        signal: io.signal,
        ...(logFile !== undefined ? { logFile } : {}),
        ...(dashboard ? { onLive: dashboard.listener } : {}),
        async onMetrics(metrics) {
          server = await startMetricsServer(metrics, listen);
          io.stderr.write(
            `  metrics   ${server.url}/metrics (and /healthz)\n\nmonitoring until SIGINT/SIGTERM…\n`,
          );
        },
      });
      io.stderr.write(renderMonitorSummary(summary));
    } finally {
      await (server as Awaited<ReturnType<typeof startMetricsServer>> | null)?.close();
      // Pushes the final status to every open page before it stops serving.
      await dashboard?.close();
    }
    return 0;
  } finally {
    await target.stop();
  }
}

export function renderMonitorSummary(s: MonitorSummary): string {
  const hours = (s.atMs - s.startedAtMs) / 3_600_000;
  const c = s.totals.classes;
  const row = (name: string, k: keyof typeof c.anonymous): string =>
    `  ${name.padEnd(14)} ${String(c.anonymous[k]).padStart(10)} ${String(c.identified[k]).padStart(10)}\n`;
  return (
    `\nmonitor ${s.runId} stopped after ${(hours * 60).toFixed(1)} min\n` +
    `  ${''.padEnd(14)} ${'anonymous'.padStart(10)} ${'identified'.padStart(10)}\n` +
    row('sent', 'sent') +
    row('acknowledged', 'acknowledged') +
    row('visible', 'visible') +
    row('lost', 'lost') +
    row('unverified', 'unverified') +
    row('capture errors', 'captureErrors') +
    `  queries ${s.totals.queries} (${s.totals.queryErrors} failed polls), poll every ${s.pollIntervalMs / 1000} s; ` +
    `held at stop ${s.held}, oldest unseen ${(s.oldestUnseenAgeMs / 1000).toFixed(1)} s, SLA over the window: ${s.slaOk ? 'ok' : 'BROKEN'}\n`
  );
}
