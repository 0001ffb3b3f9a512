// One benchmark run, start to finish: preflight the target, plan the load, send it from worker
// threads while the poller watches the query API, drain, account for every acknowledged event,
// measure processing cost where the target exposes it, judge the SLA and build the report.
// The CLI's `run` is a thin shell around this; tests call it directly.

import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { debuglog } from 'node:util';
import { IngestbenchError } from './errors.js';
import { Ledger } from './load/ledger.js';
import { planLoad } from './load/plan-load.js';
import { runLoad, type LoadProgress } from './load/run-load.js';
import { shardRunId, type RunShard, type ShardSpec } from './load/shard-spec.js';
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

export interface RunScenarioOptions {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly runId?: string;
  /**
   * Send only this shard of the run (load/shard-spec.ts). `runId` is then required (every shard
   * must use the same), and the report's run id is the shard's own, `<runId>-shard-<i>-of-<n>`.
   */
  readonly shard?: ShardSpec;
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
  if (options.shard && options.runId === undefined) {
    throw new IngestbenchError('USAGE', 'a shard needs the run id every shard shares: pass --run-id');
  }
  const baseRunId = options.runId ?? newRunId();
  const shard: RunShard | undefined = options.shard ? { ...options.shard, runId: baseRunId } : undefined;
  // A shard's events and report carry the shard's own id, so each shard observes only its events.
  const runId = shard ? shardRunId(baseRunId, shard) : baseRunId;
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const progress = options.onProgress ?? (() => undefined);

  progress({ stage: 'preflight' });
  const client = createQueryClient({
    queryUrl: target.queryUrl,
    projectId: target.projectId,
    personalKey: target.personalKey,
    budgetPerMinute: scenario.observation.queryBudgetPerMinute,
    signal,
  });
  await checkCaptureReachable(target.captureUrl, target.token, signal);
  await client.preflight();
  const costBefore = target.metricsUrl ? await scrapeCostCounters(target.metricsUrl) : null;

  // Worker threads take ~0.2 s to start (over 1 s on a loaded machine); starting the schedule
  // later than that keeps start-up out of the send delay without hiding anything if it is slower.
  const plan = planLoad(scenario, {
    workers,
    runId,
    startAtMs: Date.now() + 1000,
    ...(shard ? { shard } : {}),
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  debug('run %s: %d events planned over %d workers', runId, plan.planned, plan.workers.length);

  const poller = startPoller({
    client,
    ledger,
    runId,
    runTag: plan.runTag,
    ...(shard ? { shard } : {}),
    pollIntervalMs: scenario.observation.pollIntervalMs,
    signal,
  });
  const load = await runLoad({
    scenario,
    plan,
    ledger,
    target: { captureUrl: target.captureUrl, token: target.token },
    signal,
    onProgress: (p) =>
      progress({ stage: 'load', load: p, visible: poller.stats().visible, plannedTotal: plan.planned }),
  });

  let observation: ObservationResult;
  if (signal.aborted) {
    observation = await poller.stop();
  } else {
    const drainStart = Date.now();
    const ticker = setInterval(() => {
      const s = poller.stats();
      progress({
        stage: 'drain',
        visible: s.visible,
        acknowledged: acknowledgedOf(load),
        elapsedMs: Date.now() - drainStart,
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
  const { results, verdict } = evaluateSla(scenario.sla, metricLookup(report));
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

function acknowledgedOf(load: { counts: Record<string, { acknowledged: number }> }): number {
  return Object.values(load.counts).reduce((sum, c) => sum + c.acknowledged, 0);
}
