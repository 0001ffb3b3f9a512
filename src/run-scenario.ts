// One benchmark run, start to finish: preflight the target, plan the load, send it from worker
// threads while the poller watches the query API, drain, account for every acknowledged event,
// measure processing cost where the target exposes it, judge the SLA and build the report.
// The steps live in src/run/ (plan-run, preflight-run, observe-run, load-run) and the verdict in
// verdict/judge-run.ts; this file puts them in order on the run's one clock (options.clock).
// The CLI's `run` is a thin shell around this; tests call it directly.

import { debuglog } from 'node:util';
import { systemClock, type EpochClock } from './clock.js';
import type { Ledger } from './load/ledger.js';
import type { LoadPlan } from './load/plan-load.js';
import type { ScannedReplay } from './load/scan-replay.js';
import type { LoadProgress, LoadResult } from './load/run-load.js';
import type { ShardSpec } from './load/shard-spec.js';
import { measureCost } from './measure/measure-cost.js';
import type { KeyBudget } from './observe/key-budget.js';
import type { ObservationResult, VisibleListener } from './observe/observation-result.js';
import type { ObserverStats } from './observe/observer.js';
import type { LiveEvent, LiveListener } from './live/live-event.js';
import { buildReport } from './report/build-report.js';
import { metricLookup } from './report/report-metrics.js';
import type { CostReport, Report } from './report/report-types.js';
import type { Scenario } from './scenario/scenario.js';
import type { Target } from './targets/target.js';
import { loadRun } from './run/load-run.js';
import { endObservation, observeRun, type DrainProgress } from './run/observe-run.js';
import { planRun, resolveRun } from './run/plan-run.js';
import { preflightRun, scrapeCost } from './run/preflight-run.js';
import { judgeRun, runCompletedCheck } from './verdict/judge-run.js';
import { loadAppliedChecks } from './verdict/load-applied.js';

export { newRunId } from './run/plan-run.js';

const debug = debuglog('ingestbench:run');

export interface RunScenarioOptions {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly runId?: string;
  /**
   * Capture is taken as lost when, for this long, requests failed (network errors, timeouts) and
   * none was acknowledged: the load stops and the report is written. Default 10 s.
   */
  readonly targetLostAfterMs?: number;
  /** The load worker script (tests substitute one that fails on purpose). */
  readonly loadWorkerUrl?: URL;
  /**
   * From planning to the load's first event, ms (default 1 s): a caller that runs one load after
   * another (capacity steps) plans beyond the workers' start-up it measured (LoadResult.workersReadyAt).
   */
  readonly startDelayMs?: number;
  /** Called once observation has ended, for callers that read the ledger itself (capacity steps). */
  readonly inspect?: (run: {
    /** null when counts observation ran (no per-event ledger). */
    ledger: Ledger | null;
    plan: LoadPlan;
    observation: ObservationResult;
    load: LoadResult;
  }) => void;
  /**
   * Send only this shard of the run (load/shard-spec.ts). `runId` is then required (every shard
   * must use the same), and the report's run id is the shard's own, `<runId>-shard-<i>-of-<n>`.
   */
  readonly shard?: ShardSpec;
  /**
   * The live hook (live/live-event.ts): told of the run's stages, each second as it ends, the SLA
   * as it stands, and the final report. A capacity step passes `liveStep` to say which it is.
   */
  readonly onLive?: LiveListener;
  /**
   * Told of each event (or counts bucket) as it first becomes visible, with its latency: for
   * consumers that need every latency, not the per-second percentiles of `onLive` (the
   * `--metrics-listen` histogram). Called on the observer's path: keep it cheap.
   */
  readonly onVisible?: VisibleListener;
  /**
   * Called once observation has begun, with a reader of where it stands (last poll, oldest
   * unseen event): for consumers that read it when they like (the `--metrics-listen` gauges).
   */
  readonly onObserving?: (stats: () => ObserverStats) => void;
  readonly liveStep?: Extract<LiveEvent, { type: 'started' }>['step'];
  /**
   * Replay a recorded events file instead of generating events: the result of its validating
   * pass (scanReplay, made with this run's worker count before the target is started).
   */
  readonly replay?: ScannedReplay;
  /**
   * The personal API key's query budget (createKeyBudget), when this run is one of several
   * observations with the key in this process (runs in a loop, capacity steps, a monitor): its
   * limits replace the scenario's and its windows and slots are shared, so the hour other runs
   * used is not spent twice. Without it the run has a budget of its own from the scenario's
   * observation (a shard: its 1/n share).
   */
  readonly queryBudget?: KeyBudget;
  /** How long from the start of observation the key's hourly budget must last, when later runs follow. */
  readonly queryBudgetSpanMs?: number;
  /**
   * The run's one clock: every step reads time and waits on it, and the load workers and the
   * embedded target share its time base (its anchor). Default: this process's systemClock.
   */
  readonly clock?: EpochClock;
}

export type RunProgress =
  | { readonly stage: 'preflight' }
  | {
      readonly stage: 'load';
      readonly load: LoadProgress;
      readonly visible: number;
      readonly plannedTotal: number;
    }
  | DrainProgress;

/**
 * The run as its steps: resolve and preflight, plan, observe while the load is sent, end
 * observation (drain, or a final poll when cut short), measure cost, build the report and judge it.
 */
export async function runScenario(options: RunScenarioOptions): Promise<Report> {
  const { target, replay } = options;
  const run = resolveRun(options);
  const { scenario, runId } = run;
  const signal = options.signal ?? new AbortController().signal;
  const progress = options.onProgress ?? (() => undefined);
  // One clock for the run: workers, poller and the embedded target share its time base.
  const clock = options.clock ?? systemClock;

  progress({ stage: 'preflight' });
  options.onLive?.({ type: 'stage', stage: 'preflight' });
  const { client, preflight } = await preflightRun({
    scenario,
    target,
    runId,
    queryBudget: options.queryBudget,
    signal,
    clock,
  });
  const notes: string[] = [];
  const costBefore = await scrapeCost(target, 'before the load', notes);

  const planned = planRun(run, replay, clock);
  const { plan, method, ledger } = planned;
  debug(
    'run %s: %d events planned over %d workers, %s',
    runId,
    plan.planned,
    plan.workers.length,
    method.reason,
  );

  const { live, observer } = observeRun({
    run,
    planned,
    client,
    clock,
    onLive: options.onLive,
    liveStep: options.liveStep,
    onVisible: options.onVisible,
    queryBudgetSpanMs: options.queryBudgetSpanMs,
  });
  options.onObserving?.(() => observer.stats());
  const { load, stop } = await loadRun({
    run,
    planned,
    target,
    replay,
    clock,
    signal,
    targetLostAfterMs: options.targetLostAfterMs,
    loadWorkerUrl: options.loadWorkerUrl,
    onProgress: (p) => {
      live?.load(p);
      progress({ stage: 'load', load: p, visible: observer.stats().visible, plannedTotal: plan.planned });
    },
  }).catch(async (error: unknown) => {
    live?.close();
    await observer.stop(); // the observer has no signal of its own to end it
    throw error;
  });

  const observation = await endObservation<ObservationResult>({
    observer,
    live,
    stop,
    drainTimeoutMs: scenario.observation.drainTimeoutMs,
    acknowledged: acknowledgedOf(load),
    clock,
    onProgress: progress,
  });
  live?.finish({ counts: load.counts, errors: load.errors });
  options.inspect?.({ ledger, plan, observation, load });
  const costAfter =
    costBefore && stop?.reason !== 'target-lost' ? await scrapeCost(target, 'after the load', notes) : null;
  const cost: CostReport | null = costBefore && costAfter ? measureCost(costBefore, costAfter) : null;

  const report = buildReport({
    runId,
    scenario,
    target: target.describe(),
    plan,
    ledger,
    load,
    observation,
    methodReason: method.reason,
    cost,
    partial: load.partial || stop !== null,
    // The plan may use fewer workers than asked for (never more than there are users).
    workers: plan.workers.length,
    stop,
    preflight,
    notes,
    budgetShard: run.budgetShard,
  });
  const { sla, verdict } = judgeRun({
    checks: [...scenario.sla, ...loadAppliedChecks(scenario.loadApplied)],
    lookup: metricLookup(report),
    unverified: report.totals.unverified,
    observationEnd: report.observation.endReason,
    // A run cut short has not shown that the SLA holds: it fails, and says why.
    incomplete: report.run.partial ? [runCompletedCheck(report.run.stop?.reason ?? 'interrupted')] : [],
  });
  const final: Report = { ...report, sla, verdict };
  live?.report(final);
  return final;
}

function acknowledgedOf(load: { counts: Record<string, { acknowledged: number }> }): number {
  return Object.values(load.counts).reduce((sum, c) => sum + c.acknowledged, 0);
}
