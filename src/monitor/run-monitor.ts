// `ingestbench monitor`: a run that never ends. The sender sends a trickle of the scenario's
// events; a poll loop asks the query API, once per planned interval, for the events not yet
// seen (one bounded time range, keyset pages); what comes back goes to the latency histogram,
// what passes its deadline unseen is lost; the SLA is judged over a rolling window; a line a
// minute goes to the log. Stopping (the signal) ends the sender, waits for its last answers,
// makes one final poll and returns the summary.

import { appendFile } from 'node:fs/promises';
import { debuglog } from 'node:util';
import type { Clock } from '../clock.js';
import { fetchRows } from '../observe/fetch-rows.js';
import type { QueryClient } from '../observe/query-client.js';
import type { LiveListener } from '../live/live-event.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import { createIngestionMetrics, type IngestionMetrics, type IngestionTotals } from './ingestion-metrics.js';
import { MonitorLedger } from './monitor-ledger.js';
import { startMonitorLive } from './monitor-live.js';
import { judgeWindow, windowLookup } from './monitor-sla.js';
import { runMonitorSender, type CaptureSend } from './monitor-sender.js';
import type { MonitorPlan } from './plan-monitor.js';

const debug = debuglog('ingestbench:monitor');

const LOG_EVERY_MS = 60_000;
/** Rows per page: a poll's range holds rate × (deadline + interval) events, far fewer. */
const PAGE_SIZE = 10_000;
/** The final poll after a stop may take this long. */
const FINAL_POLL_MS = 10_000;

export interface RunMonitorOptions {
  readonly scenario: Scenario;
  readonly plan: MonitorPlan;
  readonly runId: string;
  readonly token: string;
  readonly capture: CaptureSend;
  /** Built with the plan's limits: the budget is enforced there. */
  readonly client: QueryClient;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Called with each per-minute NDJSON line (the CLI appends it to --log). */
  readonly logFile?: string;
  /** Called once the metrics exist (the CLI starts the /metrics server on them). */
  readonly onMetrics?: (metrics: IngestionMetrics) => void | Promise<void>;
  /** `--dashboard`: the monitor's seconds, SLA and status as LiveEvents (monitor-live.ts). */
  readonly onLive?: LiveListener;
}

export interface MonitorStatus {
  readonly atMs: number;
  readonly totals: IngestionTotals;
  readonly held: number;
  readonly oldestUnseenAgeMs: number;
  readonly slaOk: boolean;
  readonly lastPollMs: number | null;
  /** Over the rolling window: visible p50/p99 per class (ms; lost count as infinite), null when none. */
  readonly window: Record<EventClass, { p50: number | null; p99: number | null; lost: number | null }>;
}

export interface MonitorSummary extends MonitorStatus {
  readonly runId: string;
  readonly startedAtMs: number;
  readonly pollIntervalMs: number;
  readonly deadlineMs: number;
}

export async function runMonitor(opts: RunMonitorOptions): Promise<MonitorSummary> {
  const { plan, clock, client } = opts;
  const ledger = new MonitorLedger({ deadlineMs: plan.sla.deadlineMs, windowMs: plan.windowMs });
  let lastPollMs: number | null = null;
  const slaOk = (now: number): boolean =>
    judgeWindow(plan.sla, ledger.window(now), ledger.oldestUnseenAgeMs(now)).ok;
  const metrics = createIngestionMetrics(plan.sla.deadlineMs / 1000, {
    oldestUnseenAgeSeconds: () => ledger.oldestUnseenAgeMs(clock.now()) / 1000,
    slaOk: () => (slaOk(clock.now()) ? 1 : 0),
    lastPollSeconds: () => (lastPollMs === null ? 0 : lastPollMs / 1000),
    resolutionSeconds: () => plan.pollIntervalMs / 1000,
  });
  await opts.onMetrics?.(metrics);
  const startedAtMs = clock.now();
  let queriesCounted = client.stats().queries;

  const status = (): MonitorStatus => {
    const now = clock.now();
    const lookup = windowLookup(ledger.window(now));
    const classWindow = (c: EventClass) => ({
      p50: lookup(`${c}.visible.p50`),
      p99: lookup(`${c}.visible.p99`),
      lost: lookup(`${c}.lost`),
    });
    return {
      atMs: now,
      totals: metrics.totals(),
      held: ledger.held(),
      oldestUnseenAgeMs: ledger.oldestUnseenAgeMs(now),
      slaOk: slaOk(now),
      lastPollMs,
      window: { anonymous: classWindow('anonymous'), identified: classWindow('identified') },
    };
  };

  /** One poll; false when it failed (counted, nothing decided). */
  async function poll(budgetMs: number): Promise<boolean> {
    const range = ledger.queryRange();
    if (range === null) return true;
    const sentAt = clock.now();
    try {
      const { rows } = await fetchRows({
        client,
        runId: opts.runId,
        ranges: [range],
        pageSize: PAGE_SIZE,
        query: { deadline: () => sentAt + budgetMs },
      });
      for (const [uuid, row] of rows) {
        const seen = ledger.seen(uuid, row.at);
        if (!seen) continue;
        metrics.visible(seen.eventClass, seen.latencyMs);
        live?.seen(seen.eventClass, seen.latencyMs, row.at);
      }
      const lost = ledger.expire(sentAt);
      metrics.lost('anonymous', lost.anonymous);
      metrics.lost('identified', lost.identified);
      lastPollMs = clock.now();
      return true;
    } catch (error) {
      // A failed poll decides nothing: held events wait for the next one, up to twice their
      // deadline; then they are let go as unverified (not lost), so an outage cannot grow memory.
      metrics.queryErrors();
      debug('poll failed: %o', error);
      const unverified = ledger.abandon(clock.now());
      metrics.unverified('anonymous', unverified.anonymous);
      metrics.unverified('identified', unverified.identified);
      return false;
    } finally {
      const queries = client.stats().queries;
      metrics.queries(queries - queriesCounted);
      queriesCounted = queries;
    }
  }

  const stopSending = new AbortController();
  const stopped = AbortSignal.any([opts.signal, stopSending.signal]);
  const live = opts.onLive
    ? startMonitorLive({
        listener: opts.onLive,
        plan,
        runId: opts.runId,
        scenario: opts.scenario.name,
        startAtMs: startedAtMs,
        clock,
        totals: () => metrics.totals(),
        queryStats: () => client.stats(),
        read(now) {
          const age = ledger.oldestUnseenAgeMs(now);
          const judged = judgeWindow(plan.sla, ledger.window(now), age);
          const t = metrics.totals();
          return {
            results: judged.results,
            status: {
              atMs: now,
              held: ledger.held(),
              oldestUnseenAgeMs: age,
              slaOk: judged.ok,
              lastPollMs,
              lost: { anonymous: t.classes.anonymous.lost, identified: t.classes.identified.lost },
              unverified: {
                anonymous: t.classes.anonymous.unverified,
                identified: t.classes.identified.unverified,
              },
              queryErrors: t.queryErrors,
              stopped: stopSending.signal.aborted,
            },
          };
        },
      })
    : null;

  const sender = runMonitorSender({
    scenario: opts.scenario,
    runId: opts.runId,
    token: opts.token,
    capture: opts.capture,
    ratePerClass: plan.ratePerClass,
    startAtMs: startedAtMs,
    clock,
    signal: stopped,
    ledger,
    metrics,
    maxInFlight: opts.scenario.maxInFlight,
  });
  const polls = (async () => {
    for (let k = 1; !stopped.aborted; k += 1) {
      try {
        await clock.sleep(startedAtMs + k * plan.pollIntervalMs - clock.now(), stopped);
      } catch {
        return;
      }
      await poll(Math.max(plan.pollIntervalMs, 30_000));
    }
  })();
  const logs = (async () => {
    if (opts.logFile === undefined) return;
    for (let k = 1; !stopped.aborted; k += 1) {
      try {
        await clock.sleep(startedAtMs + k * LOG_EVERY_MS - clock.now(), stopped);
      } catch {
        return;
      }
      await writeLogLine(opts.logFile, status());
    }
  })();

  try {
    await Promise.all([sender, polls, logs, live?.run(stopped)]);
  } finally {
    stopSending.abort();
  }
  // Stopped: the sender has had its last answers; one more poll sees what landed meanwhile.
  // Once more if it failed (a keep-alive connection the target closed meanwhile): there is no next.
  if (!(await poll(FINAL_POLL_MS))) await poll(FINAL_POLL_MS);
  live?.stop();
  const summary: MonitorSummary = {
    ...status(),
    runId: opts.runId,
    startedAtMs,
    pollIntervalMs: plan.pollIntervalMs,
    deadlineMs: plan.sla.deadlineMs,
  };
  if (opts.logFile !== undefined) await writeLogLine(opts.logFile, summary);
  return summary;
}

async function writeLogLine(file: string, status: MonitorStatus): Promise<void> {
  const line = { time: new Date(status.atMs).toISOString(), ...status, window: status.window };
  try {
    await appendFile(
      file,
      `${JSON.stringify(line, (_k, v: unknown) => (v === Infinity ? null : v))}\n`,
      'utf8',
    );
  } catch (error) {
    // A full disk must not stop the monitor: the metrics still serve.
    debug('log line to %s failed: %o', file, error);
  }
}
