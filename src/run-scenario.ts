// One benchmark run, start to finish: preflight the target, plan the load, send it from worker
// threads while the poller watches the query API, drain, account for every acknowledged event,
// measure processing cost where the target exposes it, judge the SLA and build the report.
// The CLI's `run` is a thin shell around this; tests call it directly.

import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { debuglog } from 'node:util';
import { systemClock } from './clock.js';
import { Ledger } from './load/ledger.js';
import { planLoad } from './load/plan-load.js';
import { runLoad, type LoadProgress } from './load/run-load.js';
import { measureCost, scrapeCostCounters } from './measure/measure-cost.js';
import { createQueryClient } from './observe/query-client.js';
import { startPoller, type ObservationResult } from './observe/poller.js';
import { buildReport } from './report/build-report.js';
import { metricLookup } from './report/report-metrics.js';
import type { Report } from './report/report-types.js';
import type { Scenario } from './scenario/scenario.js';
import { checkCaptureReachable } from './targets/preflight.js';
import type { Target } from './targets/target.js';
import { evaluateSla, type SlaResult } from './verdict/evaluate-sla.js';

const debug = debuglog('ingestbench:run');

/** The final poll an interrupted run still gets (or the drain timeout, when shorter). */
const FINAL_POLL_MS = 10_000;

export interface RunScenarioOptions {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly runId?: string;
}

export type RunProgress =
  | { readonly stage: 'preflight' }
  | {
      readonly stage: 'load';
      readonly load: LoadProgress;
      readonly visible: number;
      readonly plannedTotal: number;
    }
  | {
      readonly stage: 'drain';
      readonly visible: number;
      readonly acknowledged: number;
      readonly elapsedMs: number;
    };

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runScenario(options: RunScenarioOptions): Promise<Report> {
  const { scenario, target } = options;
  const signal = options.signal ?? new AbortController().signal;
  const runId = options.runId ?? newRunId();
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const progress = options.onProgress ?? (() => undefined);
  // One clock for the run: workers, poller and the embedded target share its time base.
  const clock = systemClock;

  progress({ stage: 'preflight' });
  // Not tied to the run's signal: after an interrupt the poller still makes its one final poll.
  const client = createQueryClient({
    queryUrl: target.queryUrl,
    projectId: target.projectId,
    personalKey: target.personalKey,
    limits: {
      perMinute: scenario.observation.queryBudgetPerMinute,
      perHour: scenario.observation.queryBudgetPerHour,
      concurrent: scenario.observation.maxConcurrentQueries,
    },
    clock,
  });
  await checkCaptureReachable(target.captureUrl, target.token, signal);
  await client.preflight({ signal });
  const costBefore = target.metricsUrl ? await scrapeCostCounters(target.metricsUrl) : null;

  // Worker threads take ~0.2 s to start (over 1 s on a loaded machine); starting the schedule
  // later than that keeps start-up out of the send delay without hiding anything if it is slower.
  const plan = planLoad(scenario, { workers, runId, startAtMs: clock.now() + 1000 });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  debug('run %s: %d events planned over %d workers', runId, plan.planned, plan.workers.length);

  const poller = startPoller({
    client,
    ledger,
    runId,
    runTag: plan.runTag,
    pollIntervalMs: scenario.observation.pollIntervalMs,
    clock,
    // The interval is planned so the query budget lasts the load and the drain; the count query
    // is bounded to the plan's time range. No signal: stop({ finalPollMs }) ends it (below).
    observationMs: plan.durationMs + scenario.observation.drainTimeoutMs,
    runRange: [plan.startAtMs, plan.startAtMs + plan.durationMs],
  });
  const load = await runLoad({
    scenario,
    plan,
    ledger,
    target: { captureUrl: target.captureUrl, token: target.token },
    signal,
    clock,
    onProgress: (p) =>
      progress({ stage: 'load', load: p, visible: poller.stats().visible, plannedTotal: plan.planned }),
  }).catch(async (error: unknown) => {
    await poller.stop(); // the poller has no signal of its own to end it
    throw error;
  });

  let observation: ObservationResult;
  if (signal.aborted) {
    // Sending has stopped; one bounded final poll sees what landed, the rest is unverified.
    observation = await poller.stop({
      finalPollMs: Math.min(FINAL_POLL_MS, scenario.observation.drainTimeoutMs),
    });
  } else {
    const drainStart = clock.now();
    const ticker = setInterval(() => {
      const s = poller.stats();
      progress({
        stage: 'drain',
        visible: s.visible,
        acknowledged: acknowledgedOf(load),
        elapsedMs: clock.now() - drainStart,
      });
    }, 1000);
    try {
      observation = await poller.drain(scenario.observation.drainTimeoutMs);
    } finally {
      clearInterval(ticker);
    }
  }
  const cost =
    target.metricsUrl && costBefore
      ? measureCost(costBefore, await scrapeCostCounters(target.metricsUrl))
      : null;

  const report = buildReport({
    runId,
    scenario,
    target: target.describe(),
    plan,
    ledger,
    load,
    observation,
    cost,
    partial: load.partial || signal.aborted,
    // The plan may use fewer workers than asked for (never more than there are users).
    workers: plan.workers.length,
  });
  const judged = evaluateSla(scenario.sla, metricLookup(report));
  const results = [...judged.results, ...observationCheck(report)];
  const verdict = results.every((r) => r.pass) ? judged.verdict : 'fail';
  if (!report.run.partial) return { ...report, sla: results, verdict };
  // A run cut short has not shown that the SLA holds: it fails, and says why.
  const stopped: SlaResult = {
    check: 'run completed',
    metric: 'run.completed',
    op: '==',
    threshold: 1,
    value: 0,
    pass: false,
    unit: 'count',
    detail:
      'the run was interrupted before its schedule ended: the report is partial and its SLA is not judged met',
  };
  return { ...report, sla: [...results, stopped], verdict: 'fail' };
}

/**
 * Events observation could not check (it ended early: query budget exhausted, query API lost)
 * leave the SLA unshown, whatever `lost == 0` says: a failed check that names why.
 */
function observationCheck(report: Report): SlaResult[] {
  const { unverified } = report.totals;
  if (unverified === 0 || report.run.partial) return [];
  return [
    {
      check: 'observation complete',
      metric: 'unverified',
      op: '==',
      threshold: 0,
      value: unverified,
      pass: false,
      unit: 'count',
      detail: `observation ended early (${report.observation.endReason}): ${unverified} acknowledged events could not be checked`,
    },
  ];
}

function acknowledgedOf(load: { counts: Record<string, { acknowledged: number }> }): number {
  return Object.values(load.counts).reduce((sum, c) => sum + c.acknowledged, 0);
}
