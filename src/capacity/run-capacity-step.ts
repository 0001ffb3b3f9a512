// One capacity step: a class-pure run at one offered rate through the run machinery itself
// (runScenario: preflight, load workers, poller, drain, cost from the target's metrics), folded
// into a StepMeasurement and judged. Afterwards the target drains so the next step starts clean.

import { runScenario, type RunProgress } from '../run-scenario.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import type { Target } from '../targets/target.js';
import type { KeyBudget } from '../observe/key-budget.js';
import { awaitTargetIdle } from './await-target-idle.js';
import type { CapacityStep, StepCriteria, StepMeasurement, StepRole } from '../verdict/capacity-types.js';
import { classPureScenario, stepWarmupMs } from './class-pure-scenario.js';
import { judgeStep } from '../verdict/judge-step.js';
import { lagGrowth, timelineSpanGrowth, trendLagGrowth } from './lag-growth.js';
import type { Report } from '../report/report-types.js';
import type { LiveListener } from '../live/live-event.js';
import type { StepStartDelay } from './step-start-delay.js';

export interface StepSettings {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly eventClass: EventClass;
  readonly criteria: StepCriteria;
  readonly stepDurationMs: number;
  /** Seeds every step of the capacity run: distinct ids unique to it, shared by its steps. */
  readonly seed: number;
  /** Step run ids are `<runId>-<class initial><n>`. */
  readonly runId: string;
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  /** The live hook, told of each step's run (its `started` event names the step). */
  readonly onLive?: LiveListener;
  /** The key's one budget for the whole search: its hourly window carries from step to step. */
  readonly queryBudget?: KeyBudget;
  /** How long from now the key's hourly budget must last (the rest of the search), ms. */
  readonly queryBudgetSpanMs?: () => number;
  /** Plans the step's start beyond the load workers' start-up measured so far (step-start-delay.ts). */
  readonly startDelay?: StepStartDelay;
}

export async function runCapacityStep(
  settings: StepSettings,
  rate: number,
  role: StepRole,
  index: number,
): Promise<CapacityStep> {
  const { eventClass, criteria, target } = settings;
  // Events still unseen after the bound plus two polls are past the p99 bound anyway.
  const drainTimeoutMs = criteria.visibleP99Ms + 2 * settings.scenario.observation.pollIntervalMs;
  const scenario = classPureScenario(settings.scenario, eventClass, {
    rate,
    durationMs: settings.stepDurationMs,
    drainTimeoutMs,
    seed: settings.seed,
  });
  let growth: number | null = null;
  let observedUntilSecond = 0;
  let drained = false;
  const report = await runScenario({
    scenario,
    target,
    runId: `${settings.runId}-${eventClass[0]}${index}`,
    ...(settings.workers !== undefined ? { workers: settings.workers } : {}),
    ...(settings.signal ? { signal: settings.signal } : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
    ...(settings.onLive ? { onLive: settings.onLive, liveStep: { eventClass, rate, index } } : {}),
    ...(settings.queryBudget ? { queryBudget: settings.queryBudget } : {}),
    ...(settings.queryBudgetSpanMs ? { queryBudgetSpanMs: settings.queryBudgetSpanMs() } : {}),
    ...(settings.startDelay ? { startDelayMs: settings.startDelay.next() } : {}),
    inspect: ({ ledger, plan, observation, load }) => {
      settings.startDelay?.measured(load.startedAt, load.workersReadyAt);
      observedUntilSecond = (observation.endedAt - plan.startAtMs) / 1000;
      drained = observation.drained;
      const warmupMs = stepWarmupMs(settings.stepDurationMs);
      growth = ledger
        ? lagGrowth(ledger, {
            startMs: plan.startAtMs + warmupMs,
            durationMs: plan.durationMs - warmupMs,
            observedUntilMs: observation.endedAt,
          })
        : null;
    },
  });
  // Counts observation keeps no per-event ledger: the trend then comes from the report's
  // per-second visible p50 over the step, the span from its per-second counts.
  if (growth === null) {
    const figures = [
      trendLagGrowth(report.lagTrend.classes[eventClass], settings.stepDurationMs),
      timelineSpanGrowth(report.timeline, eventClass, settings.stepDurationMs, observedUntilSecond),
    ].filter((g): g is number => g !== null);
    growth = figures.length > 0 ? Math.max(...figures) : null;
  }
  const inFlightBoundMs = (report.run.workers * scenario.maxInFlight * scenario.batchSize * 1000) / rate;
  const measured = stepMeasurement(
    report,
    eventClass,
    rate,
    growth,
    settings.stepDurationMs,
    inFlightBoundMs,
  );
  await awaitTargetIdle(target, {
    drained,
    coolDownMs: Math.max(settings.stepDurationMs, criteria.visibleP99Ms),
    timeoutMs: 5 * 60_000,
    ...(settings.signal ? { signal: settings.signal } : {}),
  });
  return { ...measured, ...judgeStep(measured, criteria), role };
}

/** The step's figures from its report (one class only was sent). */
export function stepMeasurement(
  report: Report,
  eventClass: EventClass,
  rate: number,
  lagGrowthMs: number | null,
  /** The measured part of the step (its warm-up excluded). */
  durationMs: number,
  /** The answer time that fills the in-flight cap at this rate, ms (null: unknown). */
  inFlightBoundMs: number | null,
): StepMeasurement {
  const totals = report.classes[eventClass];
  const visible = report.latency.visible[eventClass];
  const cost = report.cost;
  const events = cost?.classes[eventClass].events ?? 0;
  const processCpu = cost ? Object.values(cost.processCpuSeconds).reduce((a, b) => a + b, 0) : 0;
  return {
    rate,
    durationMs,
    planned: totals.planned,
    sent: totals.sent,
    acknowledged: totals.acknowledged,
    dropped: totals.dropped,
    errors: totals.rejected + totals.failed,
    visible: totals.visible,
    unseen: totals.lost,
    achievedRate: totals.rate.achieved,
    sendDelayP99Ms: report.latency.sendDelay[eventClass].p99,
    ackP99Ms: report.latency.ack[eventClass].p99,
    inFlightBoundMs,
    visibleP50Ms: visible.p50,
    visibleP99Ms: visible.p99,
    visibleMaxMs: visible.max,
    resolutionMs: report.observation.resolutionMs,
    lagGrowthMs,
    cpuMicrosPerEvent: cost?.classes[eventClass].cpuMicrosPerEvent ?? null,
    processCpuMicrosPerEvent: cost && events > 0 ? (processCpu * 1e6) / events : null,
  };
}
