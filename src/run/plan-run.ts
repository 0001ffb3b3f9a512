// The plan step of a run (run-scenario.ts): what the run is (its scenario under the target's
// query limits and the key's budget, its id, its shard), and once the target passed its
// preflight, the load plan and the observation method with the counters that method keeps.

import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { IngestbenchError } from '../errors.js';
import { BucketCounts } from '../load/bucket-counts.js';
import { Ledger } from '../load/ledger.js';
import { planLoad, type LoadPlan } from '../load/plan-load.js';
import { planReplay, replayScenario } from '../load/plan-replay.js';
import type { ScannedReplay } from '../load/scan-replay.js';
import { shardRunId, type RunShard, type ShardSpec } from '../load/shard-spec.js';
import { chooseObservationMethod, type MethodChoice } from '../observe/choose-method.js';
import type { KeyBudget } from '../observe/key-budget.js';
import type { QueryLimits } from '../observe/query-budget.js';
import { observationLimits, shardObservation, withQueryLimits } from '../observe/shard-budget.js';
import { withTargetLimits } from '../scenario/deployment-limits.js';
import type { Scenario } from '../scenario/scenario.js';
import { targetDefaultProfile } from '../targets/reference-query-limits.js';
import type { Target } from '../targets/target.js';

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What a run is, before anything is sent. */
export interface ResolvedRun {
  readonly scenario: Scenario;
  readonly runId: string;
  readonly shard: RunShard | undefined;
  /** A shard's 1/n share of the key's budget, when it spends one (null otherwise). */
  readonly budgetShard: (ShardSpec & { readonly key: QueryLimits }) | null;
  readonly workers: number;
  /** From planning to the load's start, ms (RunScenarioOptions.startDelayMs). */
  readonly startDelayMs: number;
}

/**
 * Worker threads take ~0.2 s to start (over 1 s on a loaded machine, several for a scenario with
 * large value pools); starting the schedule later than that keeps start-up out of the send delay
 * without hiding anything if it is slower.
 */
export const DEFAULT_START_DELAY_MS = 1000;

export function resolveRun(options: {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly replay?: ScannedReplay | undefined;
  readonly shard?: ShardSpec | undefined;
  readonly queryBudget?: KeyBudget | undefined;
  readonly runId?: string | undefined;
  readonly workers?: number | undefined;
  readonly startDelayMs?: number | undefined;
}): ResolvedRun {
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
  const startDelayMs = options.startDelayMs ?? DEFAULT_START_DELAY_MS;
  return { scenario, runId, shard, budgetShard, workers, startDelayMs };
}

/** The load and how it is observed: counts observation keeps per-bucket counters, no ledger. */
export interface RunPlan {
  readonly plan: LoadPlan;
  readonly method: MethodChoice;
  /** From the start of the load to the drain deadline. */
  readonly observationMs: number;
  /** Exactly one of the two: the per-event ledger (exact) or the per-bucket counters (counts). */
  readonly ledger: Ledger | null;
  readonly bucketCounts: BucketCounts | null;
}

export function planRun(run: ResolvedRun, replay: ScannedReplay | undefined, clock: Clock): RunPlan {
  const { scenario, runId, shard, workers } = run;
  const startAtMs = clock.now() + run.startDelayMs;
  const plan = replay
    ? planReplay(replay, { runId, startAtMs })
    : planLoad(scenario, { workers, runId, startAtMs, ...(shard ? { shard } : {}) });
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
  return { plan, method, observationMs, ledger, bucketCounts };
}
