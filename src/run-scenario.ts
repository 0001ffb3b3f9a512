// One benchmark run, start to finish: preflight the target, plan the load, send it from worker
// threads while the poller watches the query API, drain, account for every acknowledged event,
// measure processing cost where the target exposes it, judge the SLA and build the report.
// The CLI's `run` is a thin shell around this; tests call it directly.

import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { debuglog } from 'node:util';
import { systemClock } from './clock.js';
import { IngestbenchError } from './errors.js';
import { BucketCounts } from './load/bucket-counts.js';
import { Ledger } from './load/ledger.js';
import { planLoad, type LoadPlan } from './load/plan-load.js';
import { planReplay, replayScenario } from './load/plan-replay.js';
import type { ScannedReplay } from './load/scan-replay.js';
import { runLoad, type LoadProgress } from './load/run-load.js';
import { shardRunId, type RunShard, type ShardSpec } from './load/shard-spec.js';
import { measureCost, scrapeCostCounters } from './measure/measure-cost.js';
import { chooseObservationMethod } from './observe/choose-method.js';
import { startCountsObserver, type CountsObservationResult } from './observe/counts-observer.js';
import { createKeyBudget, type KeyBudget } from './observe/key-budget.js';
import { createQueryClient } from './observe/query-client.js';
import { observationLimits, shardObservation, withQueryLimits } from './observe/shard-budget.js';
import { startPoller, type ObservationResult } from './observe/poller.js';
import { buildReport } from './report/build-report.js';
import { publicUrl } from './public-url.js';
import { metricLookup } from './report/report-metrics.js';
import type { CostReport, PreflightSummary, Report, RunStop } from './report/report-types.js';
import { withTargetLimits } from './scenario/deployment-limits.js';
import { targetDefaultProfile } from './targets/reference-query-limits.js';
import type { Scenario } from './scenario/scenario.js';
import { explainTargetError, settingNamesOf } from './targets/explain-target-error.js';
import { checkCaptureReachable } from './targets/preflight.js';
import { probePreflight } from './targets/probe-preflight.js';
import type { Target } from './targets/target.js';
import { judgeRun, runCompletedCheck } from './verdict/judge-run.js';
import type { LiveEvent, LiveListener } from './live/live-event.js';
import { startLiveFeed } from './live/live-feed.js';
import type { VisibleListener } from './observe/observation-result.js';
import { loadAppliedChecks } from './verdict/load-applied.js';

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
  /**
   * Capture is taken as lost when, for this long, requests failed (network errors, timeouts) and
   * none was acknowledged: the load stops and the report is written. Default 10 s.
   */
  readonly targetLostAfterMs?: number;
  /** The load worker script (tests substitute one that fails on purpose). */
  readonly loadWorkerUrl?: URL;
  /** Called once observation has ended, for callers that read the ledger itself (capacity steps). */
  readonly inspect?: (run: {
    /** null when counts observation ran (no per-event ledger). */
    ledger: Ledger | null;
    plan: LoadPlan;
    observation: ObservationResult | CountsObservationResult;
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
}

const TARGET_LOST_AFTER_MS = 10_000;

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
  const { target, replay } = options;
  // The query budget of the deployment behind the target (its host decides when the scenario does not).
  const planned = withTargetLimits(
    replay ? replayScenario(options.scenario, replay) : options.scenario,
    target.queryUrl,
    targetDefaultProfile(target.kind),
  );
  // That budget is the key's: a shared budget brings its own limits, a shard spends 1/n.
  const keyLimits = observationLimits(planned.observation);
  const budgetShard = options.shard && !options.queryBudget ? { ...options.shard, key: keyLimits } : null;
  const scenario = options.queryBudget
    ? { ...planned, observation: withQueryLimits(planned.observation, options.queryBudget.limits) }
    : options.shard
      ? { ...planned, observation: shardObservation(planned.observation, options.shard) }
      : planned;
  const signal = options.signal ?? new AbortController().signal;
  if (replay && options.shard) {
    throw new IngestbenchError(
      'USAGE',
      'a replay cannot be sharded: replay a share of the file on each machine',
    );
  }
  if (options.shard && options.runId === undefined) {
    throw new IngestbenchError('USAGE', 'a shard needs the run id every shard shares: pass --run-id');
  }
  const baseRunId = options.runId ?? newRunId();
  const shard: RunShard | undefined = options.shard ? { ...options.shard, runId: baseRunId } : undefined;
  // A shard's events and report carry the shard's own id, so each shard observes only its events.
  const runId = shard ? shardRunId(baseRunId, shard) : baseRunId;
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const progress = options.onProgress ?? (() => undefined);
  // One clock for the run: workers, poller and the embedded target share its time base.
  const clock = systemClock;

  progress({ stage: 'preflight' });
  options.onLive?.({ type: 'stage', stage: 'preflight' });
  // Not tied to the run's signal: after an interrupt the poller still makes its one final poll.
  const client = createQueryClient({
    queryUrl: target.queryUrl,
    projectId: target.projectId,
    personalKey: target.personalKey,
    budget: options.queryBudget ?? createKeyBudget(observationLimits(scenario.observation)),
    ...(scenario.observation.resolvedLimits
      ? { requestTimeoutMs: scenario.observation.resolvedLimits.requestTimeoutMs }
      : {}),
    clock,
  });
  let preflight: PreflightSummary;
  try {
    // Fast checks first (nothing listening, a refused token shape, a wrong key or project), then
    // the proof: a probe event that comes back through the query API.
    await checkCaptureReachable(target.captureUrl, target.token, signal, settingNamesOf(target));
    // Bounded like the probe: a query API that holds or throttles every query fails the run here.
    const preflightDeadline = clock.now() + scenario.preflight.probeTimeoutMs;
    await client.preflight({ signal, deadline: () => preflightDeadline });
    const probe = await probePreflight({
      captureUrl: target.captureUrl,
      token: target.token,
      client,
      runId,
      timeoutMs: scenario.preflight.probeTimeoutMs,
      settings: settingNamesOf(target),
      signal,
    });
    debug('probe seen after %d ms (%d sent, %d queries)', probe.latencyMs, probe.sent, probe.queries);
    preflight = { probeLatencyMs: probe.latencyMs, probesSent: probe.sent };
  } catch (error) {
    if (signal.aborted) {
      throw new IngestbenchError(
        'INTERRUPTED',
        'interrupted during the preflight: no load was sent, no report',
        {
          cause: error,
        },
      );
    }
    throw explainTargetError(error, target);
  }
  const notes: string[] = [];
  const scrape = async (when: string): Promise<Awaited<ReturnType<typeof scrapeCostCounters>> | null> => {
    if (!target.metricsUrl) return null;
    try {
      return await scrapeCostCounters(target.metricsUrl);
    } catch (error) {
      // Cost figures are a bonus: without them the run still measured what it came for.
      debug('metrics scrape %s failed: %o', when, error);
      notes.push(
        `the target's metrics (${publicUrl(target.metricsUrl)}) could not be read ${when} (${error instanceof Error ? error.message : String(error)}): no cost figures`,
      );
      return null;
    }
  };
  const costBefore = await scrape('before the load');

  // Worker threads take ~0.2 s to start (over 1 s on a loaded machine); starting the schedule
  // later than that keeps start-up out of the send delay without hiding anything if it is slower.
  const startAtMs = clock.now() + 1000;
  const plan = replay
    ? planReplay(replay, { runId, startAtMs })
    : planLoad(scenario, { workers, runId, startAtMs, ...(shard ? { shard } : {}) });
  // --- observation method (issue 7): counts observation keeps per-bucket counters, no ledger ---
  const observationMs = plan.durationMs + scenario.observation.drainTimeoutMs;
  const method = chooseObservationMethod({
    requested: scenario.observation.method ?? 'auto',
    phases: scenario.phases,
    planned: plan.planned,
    pollIntervalMs: scenario.observation.pollIntervalMs,
    queryBudgetPerMinute: scenario.observation.queryBudgetPerMinute,
    queryBudgetPerHour: scenario.observation.queryBudgetPerHour,
    observationMs,
  });
  const bucketCounts =
    method.method === 'counts'
      ? BucketCounts.allocate({
          bucketMs: scenario.observation.bucketMs ?? 1000,
          fromMs: plan.startAtMs,
          // Full-speed and late events stay inside the run's span (indexOf clamps the rest).
          toMs: plan.startAtMs + plan.durationMs,
          workers: plan.workers.length,
        })
      : null;
  const ledger = bucketCounts ? null : Ledger.allocate(plan.workers.map((w) => w.capacity));
  debug(
    'run %s: %d events planned over %d workers, %s',
    runId,
    plan.planned,
    plan.workers.length,
    method.reason,
  );

  const live = options.onLive
    ? startLiveFeed({
        listener: options.onLive,
        started: {
          type: 'started',
          runId,
          scenario: scenario.name,
          startAtMs: plan.startAtMs,
          durationMs: plan.durationMs,
          plannedTotal: plan.planned,
          method: method.method,
          pollIntervalMs: scenario.observation.pollIntervalMs,
          ...(options.liveStep ? { step: options.liveStep } : {}),
        },
        checks: [...scenario.sla, ...loadAppliedChecks(scenario.loadApplied)],
        clock,
        queryStats: () => client.stats(),
      })
    : null;
  const onVisible = visibleListeners(live?.onVisible, options.onVisible);
  const budgetSpan =
    options.queryBudgetSpanMs === undefined ? {} : { budgetSpanMs: options.queryBudgetSpanMs };
  // Either observer plans its interval so the query budget lasts the load and the drain, bounds
  // every wait by the drain deadline, and has no signal: stop({ finalPollMs }) ends it (below).
  const poller = bucketCounts
    ? startCountsObserver({
        client,
        counts: bucketCounts,
        plan,
        phases: scenario.phases,
        pollIntervalMs: scenario.observation.pollIntervalMs,
        clock,
        observationMs,
        ...onVisible,
        ...budgetSpan,
      })
    : startPoller({
        client,
        ledger: ledger!,
        runId,
        runTag: plan.runTag,
        ...(shard ? { shard } : {}),
        pollIntervalMs: scenario.observation.pollIntervalMs,
        clock,
        observationMs,
        ...budgetSpan,
        // The count query is bounded to the plan's time range.
        runRange: [plan.startAtMs, plan.startAtMs + plan.durationMs],
        ...onVisible,
      });
  // --- end of the observation method choice ---
  // Capture gone (nothing acknowledged while requests fail) stops the load: an open-model
  // schedule would otherwise keep failing until its end.
  const lostAfterMs = options.targetLostAfterMs ?? TARGET_LOST_AFTER_MS;
  const stopLoad = new AbortController();
  let lost: RunStop | null = null;
  let lastAck = { at: clock.now(), acknowledged: 0, failed: 0 };
  const watchCapture = (p: LoadProgress): void => {
    const now = clock.now();
    if (p.acknowledged > lastAck.acknowledged || p.failed === lastAck.failed) {
      if (p.acknowledged > lastAck.acknowledged)
        lastAck = { at: now, acknowledged: p.acknowledged, failed: p.failed };
      return;
    }
    if (lost === null && now - lastAck.at >= lostAfterMs) {
      lost = {
        reason: 'target-lost',
        detail: `capture acknowledged nothing for ${Math.round((now - lastAck.at) / 1000)} s while ${p.failed - lastAck.failed} events failed (timeouts, network errors): the target at ${publicUrl(target.captureUrl)} went away`,
      };
      stopLoad.abort(new Error('target lost'));
    }
  };
  const load = await runLoad({
    scenario,
    plan,
    ledger,
    bucketCounts,
    target: { captureUrl: target.captureUrl, token: target.token },
    ...(replay ? { replay: { spec: replay.timing.spec, scan: replay.scan } } : {}),
    clock,
    signal: AbortSignal.any([signal, stopLoad.signal]),
    ...(options.loadWorkerUrl ? { workerUrl: options.loadWorkerUrl } : {}),
    onProgress: (p) => {
      watchCapture(p);
      live?.load(p);
      progress({ stage: 'load', load: p, visible: poller.stats().visible, plannedTotal: plan.planned });
    },
  }).catch(async (error: unknown) => {
    live?.close();
    await poller.stop(); // the poller has no signal of its own to end it
    throw error;
  });

  const stop: RunStop | null = signal.aborted
    ? {
        reason: 'interrupted',
        detail: 'SIGINT/SIGTERM: sending stopped, unsent events are counted as dropped',
      }
    : load.failure !== null
      ? // The first line says what failed; a bug's stack trace is in the debug log, not the report.
        { reason: 'load-failed', detail: load.failure.split('\n')[0] ?? load.failure }
      : lost;
  let observation: ObservationResult | CountsObservationResult;
  if (stop !== null) {
    // Cut short (interrupted, a load worker failed, capture lost): no drain, which a lost target
    // would hold to its timeout; one bounded final poll sees what landed, the rest is unverified.
    observation = await poller.stop({
      finalPollMs: Math.min(FINAL_POLL_MS, scenario.observation.drainTimeoutMs),
    });
  } else {
    live?.stage('drain');
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
  live?.finish({ counts: load.counts, errors: load.errors });
  options.inspect?.({ ledger, plan, observation });
  const costAfter = costBefore && stop?.reason !== 'target-lost' ? await scrape('after the load') : null;
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
    budgetShard,
  });
  const { sla, verdict } = judgeRun({
    checks: [...scenario.sla, ...loadAppliedChecks(scenario.loadApplied)],
    lookup: metricLookup(report),
    unverified: report.totals.unverified,
    observationEnd: report.observation.endReason,
    incomplete: report.run.partial ? [runCompletedCheck(report.run.stop?.reason ?? 'interrupted')] : [],
  });
  const final: Report = { ...report, sla, verdict };
  live?.report(final);
  return final;
}

function acknowledgedOf(load: { counts: Record<string, { acknowledged: number }> }): number {
  return Object.values(load.counts).reduce((sum, c) => sum + c.acknowledged, 0);
}

/** The observers take one onVisible: the live feed's, the caller's, both, or none. */
function visibleListeners(...listeners: (VisibleListener | undefined)[]): { onVisible?: VisibleListener } {
  const all = listeners.filter((l) => l !== undefined);
  if (all.length === 0) return {};
  if (all.length === 1) return { onVisible: all[0]! };
  return {
    onVisible(eventClass, events, measured, latencyMs, atMs) {
      for (const l of all) l(eventClass, events, measured, latencyMs, atMs);
    },
  };
}
