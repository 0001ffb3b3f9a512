// `ingestbench capacity`: for each class, class-pure steps against the target to find the highest
// rate it sustains (search-capacity.ts), latency profiles at 50 % and 80 % of that rate, CPU per
// event where the target publishes metrics, and the ratio anonymous ÷ identified. The classes are
// measured one after the other on the same target, each against the generator's own ceiling.

import { debuglog } from 'node:util';
import { hashSeed } from '../generate/prng.js';
import { createKeyBudget, type KeyBudget } from '../observe/key-budget.js';
import { observationLimits } from '../observe/shard-budget.js';
import { runTag } from '../generate/event-uuid.js';
import type { RunProgress } from '../run-scenario.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import type { Target } from '../targets/target.js';
import type { LiveListener } from '../live/live-event.js';
import type {
  SearchQueries,
  CapacityFigures,
  CapacityStep,
  ClassCapacity,
  LatencyAtLoad,
  StepCriteria,
} from '../verdict/capacity-types.js';
import { classPureScenario, visibleP99Bound } from './class-pure-scenario.js';
import { measureGeneratorCeiling } from './generator-ceiling.js';
import { StepStartDelay } from './step-start-delay.js';
import { DEFAULT_CRITERIA } from '../verdict/judge-step.js';
import { runCapacityStep, type StepSettings } from './run-capacity-step.js';
import { DEFAULT_MAX_STEPS, searchCapacity } from './search-capacity.js';
import { systemClock } from '../clock.js';

const debug = debuglog('ingestbench:capacity');

/** Shares of the sustainable rate whose latency the result reports (1 is the search's own step). */
export const PROFILE_SHARES = [0.5, 0.8] as const;

export interface CapacityOptions {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly classes: readonly EventClass[];
  readonly stepDurationMs: number;
  readonly runId: string;
  /** First offered rate; default the scenario's peak rate. */
  readonly startRate?: number;
  /** The generator's ceiling, events/s; measured per class when absent. */
  readonly maxRate?: number;
  readonly growth?: number;
  readonly resolution?: number;
  readonly maxSteps?: number;
  readonly workers?: number;
  readonly criteria?: Partial<Omit<StepCriteria, 'visibleP99Ms'>>;
  readonly signal?: AbortSignal;
  readonly onStep?: (eventClass: EventClass, step: CapacityStep) => void;
  readonly onProgress?: (eventClass: EventClass, rate: number, progress: RunProgress) => void;
  /** The live hook: each step's run as it runs, then a `step` event as each step finishes. */
  readonly onLive?: LiveListener;
  /** Runs a step; tests and benches may wrap it. Default runCapacityStep. */
  readonly runStep?: typeof runCapacityStep;
  /**
   * The personal API key's query budget, when the search shares the key with other work in this
   * process; default one made from the scenario's observation limits. Every step spends it.
   */
  readonly queryBudget?: KeyBudget;
}

/** Preflight, probe and the wait for an idle target, per step: part of the span the budget must last. */
const STEP_OVERHEAD_MS = 5_000;

export async function runCapacity(options: CapacityOptions): Promise<CapacityFigures> {
  const { scenario } = options;
  const classes: Partial<Record<EventClass, ClassCapacity>> = {};
  const criteriaOf = (eventClass: EventClass): StepCriteria => ({
    ...DEFAULT_CRITERIA,
    ...options.criteria,
    visibleP99Ms: visibleP99Bound(scenario, eventClass),
  });
  // Distinct ids unique to this capacity run: a rerun must not meet persons of an earlier one
  // (force_upgrade would turn its anonymous steps into identified events on a real PostHog).
  const seed = hashSeed(scenario.seed, runTag(options.runId));
  // One budget for the whole search, as PostHog keeps one per key: a step's polls stretch when the
  // steps before it used most of the hour, and each step plans for the hour to last the search.
  const budget = options.queryBudget ?? createKeyBudget(observationLimits(scenario.observation));
  const searchEndsAt = systemClock.now() + searchSpanMs();
  // One for the whole search: the classes' steps start the same workers on the same scenario.
  const startDelay = new StepStartDelay();
  for (const eventClass of options.classes) {
    if (options.signal?.aborted === true) break;
    classes[eventClass] = await measureClass(eventClass, criteriaOf(eventClass), seed);
  }
  const a = classes.anonymous;
  const i = classes.identified;
  const ratio = a?.sustainable && i?.sustainable ? a.sustainable / i.sustainable : null;
  const cpuRatio =
    a?.cpuMicrosPerEvent && i?.cpuMicrosPerEvent ? i.cpuMicrosPerEvent / a.cpuMicrosPerEvent : null;
  return {
    classes,
    ratio,
    ratioBound: ratio === null ? null : ratioBound(a!, i!),
    cpuRatio,
    criteria: criteriaOf(options.classes[0] ?? 'identified'),
    queries: searchQueries(budget),
  };

  /** The longest the search may take: every class's steps at most, each with its drain and overhead. */
  function searchSpanMs(): number {
    const steps = (options.maxSteps ?? DEFAULT_MAX_STEPS) + PROFILE_SHARES.length;
    return options.classes.reduce((total, eventClass) => {
      const drainMs = criteriaOf(eventClass).visibleP99Ms + 2 * scenario.observation.pollIntervalMs;
      return total + steps * (options.stepDurationMs + drainMs + STEP_OVERHEAD_MS);
    }, 0);
  }

  async function measureClass(
    eventClass: EventClass,
    criteria: StepCriteria,
    seed: number,
  ): Promise<ClassCapacity> {
    const settings: StepSettings = {
      scenario,
      target: options.target,
      eventClass,
      criteria,
      stepDurationMs: options.stepDurationMs,
      seed,
      runId: options.runId,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLive ? { onLive: options.onLive } : {}),
      queryBudget: budget,
      queryBudgetSpanMs: () => Math.max(0, searchEndsAt - systemClock.now()),
      startDelay,
    };
    const ceiling =
      options.maxRate ??
      (await measureGeneratorCeiling(
        classPureScenario(scenario, eventClass, { rate: 1, durationMs: 1000, drainTimeoutMs: 0, seed }),
        { workers: options.workers ?? 2, ...(options.signal ? { signal: options.signal } : {}) },
      ));
    debug('%s: generator ceiling %d events/s', eventClass, Math.round(ceiling));
    const runStep = options.runStep ?? runCapacityStep;
    let index = 0;
    const step = async (rate: number, role: CapacityStep['role']): Promise<CapacityStep> => {
      const result = await runStep(
        options.onProgress
          ? { ...settings, onProgress: (p) => options.onProgress!(eventClass, rate, p) }
          : settings,
        rate,
        role,
        index++,
      );
      debug('%s at %d/s: %s %o', eventClass, rate, result.pass ? 'pass' : 'fail', result.reasons);
      options.onStep?.(eventClass, result);
      options.onLive?.({ type: 'step', eventClass, step: result });
      return result;
    };
    const peak = Math.max(...scenario.phases.map((p) => Math.max(p.fromRate, p.toRate)));
    const search = await searchCapacity((rate) => step(rate, 'search'), {
      startRate: options.startRate ?? peak,
      ceiling,
      ...(options.growth !== undefined ? { growth: options.growth } : {}),
      ...(options.resolution !== undefined ? { resolution: options.resolution } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const steps = [...search.steps];
    const atCapacity = steps.find((s) => s.pass && s.rate === search.sustainable);
    const latency: LatencyAtLoad[] = [];
    if (search.sustainable !== null) {
      for (const share of PROFILE_SHARES) {
        const rate = Math.round(search.sustainable * share);
        if (rate < 1 || options.signal?.aborted === true) continue;
        const profile = await step(rate, 'profile');
        steps.push(profile);
        latency.push({ share, rate, visibleP50Ms: profile.visibleP50Ms, visibleP99Ms: profile.visibleP99Ms });
      }
      if (atCapacity)
        latency.push({
          share: 1,
          rate: atCapacity.rate,
          visibleP50Ms: atCapacity.visibleP50Ms,
          visibleP99Ms: atCapacity.visibleP99Ms,
        });
    }
    return {
      sustainable: search.sustainable,
      failedAt: search.failedAt,
      limitedBy: search.limitedBy,
      resolved: search.resolved,
      generatorCeiling: ceiling,
      latency,
      cpuMicrosPerEvent: atCapacity?.cpuMicrosPerEvent ?? null,
      processCpuMicrosPerEvent: atCapacity?.processCpuMicrosPerEvent ?? null,
      steps,
    };
  }
}

function searchQueries(budget: KeyBudget): SearchQueries {
  const u = budget.usage();
  return {
    sent: u.queries,
    throttled: u.throttled,
    peakPerMinute: u.peakPerMinute,
    peakPerHour: u.peakPerHour,
    perMinute: Number.isFinite(u.limits.perMinute) ? u.limits.perMinute : null,
    perHour: Number.isFinite(u.limits.perHour) ? u.limits.perHour : null,
    concurrent: u.limits.concurrent,
  };
}

function ratioBound(a: ClassCapacity, i: ClassCapacity): NonNullable<CapacityFigures['ratioBound']> {
  const aGen = a.limitedBy === 'generator';
  const iGen = i.limitedBy === 'generator';
  if (aGen && iGen) return 'unknown';
  if (aGen) return 'atLeast';
  if (iGen) return 'atMost';
  return 'exact';
}
