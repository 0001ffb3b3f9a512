// Monitor bench (`npm run bench -- monitor`, or `node dist/bench/index.js monitor [minutes]`): the
// monitor at its defaults (1 event/s per class, a tenth of the key's query budget) against the
// embedded reference target (its own process, so this process's CPU and memory are the monitor's
// alone) for 10 minutes (`monitor N`: N minutes). Prints queries per hour used against the
// monitor's and the key's budget, resident memory and heap used at minute 1 and at the end, the
// events held at stop, and CPU seconds per hour.

import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';
import { httpCapture } from '../src/monitor/monitor-sender.js';
import { planMonitor } from '../src/monitor/plan-monitor.js';
import { runMonitor } from '../src/monitor/run-monitor.js';
import { createQueryClient } from '../src/observe/query-client.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));

export async function runMonitorBench(options: { minutes?: number } = {}): Promise<void> {
  const minutes = options.minutes ?? 10;
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const scenario = await loadScenario(SCENARIO);
  const plan = planMonitor(scenario);
  print(
    `monitor bench: ${minutes} min at ${plan.ratePerClass} event/s per class, budget ${plan.limits.perHour}/h ` +
      `(${plan.queryShare * 100} % of the key's ${scenario.observation.queryBudgetPerHour}/h), poll every ${plan.pollIntervalMs / 1000} s`,
  );
  const target = await startEmbeddedTarget();
  try {
    const client = createQueryClient({
      queryUrl: target.queryUrl,
      projectId: target.projectId,
      personalKey: target.personalKey,
      limits: plan.limits,
    });
    const stop = new AbortController();
    const samples: { minute: number; rssMiB: number; heapMiB: number }[] = [];
    const sample = (minute: number): void => {
      const m = process.memoryUsage();
      samples.push({ minute, rssMiB: m.rss / 2 ** 20, heapMiB: m.heapUsed / 2 ** 20 });
    };
    const timers = [
      setTimeout(() => sample(1), 60_000),
      setTimeout(() => {
        sample(minutes);
        stop.abort();
      }, minutes * 60_000),
    ];
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const summary = await runMonitor({
      scenario,
      plan,
      runId: `monitor-bench-${Date.now()}`,
      token: target.token,
      capture: httpCapture(target.captureUrl, scenario.requestTimeoutMs),
      client,
      clock: systemClock,
      signal: stop.signal,
    });
    timers.forEach(clearTimeout);
    const hours = (performance.now() - startedAt) / 3_600_000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const c = summary.totals.classes;
    print(
      `  events    sent ${c.anonymous.sent + c.identified.sent}, visible ${c.anonymous.visible + c.identified.visible}, lost ${c.anonymous.lost + c.identified.lost}, capture errors ${c.anonymous.captureErrors + c.identified.captureErrors}, held at stop ${summary.held}`,
    );
    print(
      `  queries   ${summary.totals.queries} in ${(hours * 60).toFixed(1)} min = ${(summary.totals.queries / hours).toFixed(0)}/h ` +
        `(monitor budget ${plan.limits.perHour}/h, key ${scenario.observation.queryBudgetPerHour}/h); peak ${client.stats().peakPerMinute}/min; ${summary.totals.queryErrors} failed polls`,
    );
    for (const s of samples)
      print(
        `  memory    minute ${s.minute}: rss ${s.rssMiB.toFixed(1)} MiB, heap used ${s.heapMiB.toFixed(1)} MiB`,
      );
    print(
      `  cpu       ${cpuSeconds.toFixed(2)} s in ${(hours * 60).toFixed(1)} min = ${(cpuSeconds / hours).toFixed(1)} CPU s per hour (${((cpuSeconds / (hours * 3600)) * 100).toFixed(2)} % of one core)`,
    );
  } finally {
    await target.stop();
  }
}
