// The load plan: how the run's events are split between worker threads. Pure: the same scenario
// and options always give the same plan, so a plan in a report says exactly what was attempted.

import { IngestbenchError } from '../errors.js';
import { MAX_SEQ, MAX_WORKERS, runTag as runTagOf } from '../generate/event-uuid.js';
import { hashSeed } from '../generate/prng.js';
import type { Scenario } from '../scenario/scenario.js';
import { Schedule, totalEvents } from './schedule.js';
import { laneCount, laneOf, type RunShard } from './shard-spec.js';

export interface WorkerPlan {
  worker: number;
  /** Seeds this worker's choices (which user does what); derived from the scenario seed. */
  seed: number;
  /** Fraction of the run's rate this worker sends (equal shares: the schedule interleaves them; a shard's workers share 1/n). */
  rateShare: number;
  /** Planned events of this worker: the size of its ledger shard. */
  capacity: number;
}

export interface LoadPlan {
  runId: string;
  /** 24-bit tag of the run id carried in every event uuid. */
  runTag: number;
  /** Unix ms when event 0 is intended. */
  startAtMs: number;
  durationMs: number;
  /** Planned events ÷ duration, events/s. */
  targetRate: number;
  planned: number;
  /**
   * Send as fast as the in-flight cap allows, ignoring intended times (throughput benchmarks):
   * each event's intended time is the moment its batch is built, and sending stops at
   * startAtMs + durationMs or when all planned events are sent.
   */
  fullSpeed: boolean;
  workers: WorkerPlan[];
  /** Set when this process sends one shard of a larger run (see shard-spec.ts). */
  shard?: RunShard;
}

export interface PlanLoadOptions {
  /** Worker threads wanted; fewer are planned when the population has fewer users. */
  workers: number;
  runId: string;
  startAtMs: number;
  fullSpeed?: boolean;
  /** This process's shard; `runId` is then the shard's own id (shardRunId). */
  shard?: RunShard;
}

export function planLoad(scenario: Scenario, options: PlanLoadOptions): LoadPlan {
  if (!Number.isInteger(options.workers) || options.workers < 1 || options.workers > MAX_WORKERS) {
    throw new IngestbenchError(
      'USAGE',
      `workers is ${options.workers}: use a whole number from 1 to ${MAX_WORKERS}`,
    );
  }
  if (!(scenario.population.size >= 1)) {
    throw new IngestbenchError(
      'SCENARIO_INVALID',
      `population.size is ${scenario.population.size}: use at least 1`,
    );
  }
  if (!(scenario.batchSize >= 1) || !(scenario.maxInFlight >= 1)) {
    throw new IngestbenchError(
      'SCENARIO_INVALID',
      `batch_size (${scenario.batchSize}) and max_in_flight (${scenario.maxInFlight}) must both be at least 1`,
    );
  }
  // A worker owns users u ≡ lane (mod lanes): a worker without users could not send anything.
  const shard = options.shard;
  const shardUsers = shard
    ? Math.max(0, Math.ceil((scenario.population.size - (shard.index - 1)) / shard.count))
    : scenario.population.size;
  if (shardUsers < 1) {
    throw new IngestbenchError(
      'SCENARIO_INVALID',
      `population.size is ${scenario.population.size}: too small for ${shard?.count} shards (each needs a user)`,
    );
  }
  const workerCount = Math.min(options.workers, shardUsers);
  const lanes = laneCount(shard, workerCount);
  if (lanes > MAX_WORKERS) {
    throw new IngestbenchError(
      'USAGE',
      `${workerCount} workers × ${shard?.count} shards is ${lanes} lanes: at most ${MAX_WORKERS} (use fewer workers per shard)`,
    );
  }
  const workers: WorkerPlan[] = [];
  for (let worker = 0; worker < workerCount; worker++) {
    const lane = laneOf(shard, worker);
    const capacity = new Schedule(scenario.phases, lane, lanes).count;
    if (capacity >= MAX_SEQ) {
      throw new IngestbenchError(
        'SCENARIO_INVALID',
        `worker ${worker} would send ${capacity} events: above 2^40`,
      );
    }
    workers.push({ worker, seed: hashSeed(scenario.seed, lane), rateShare: 1 / lanes, capacity });
  }
  // A shard plans its share of the run; unsharded this is the run's total (the workers' sum).
  const planned = shard ? workers.reduce((sum, w) => sum + w.capacity, 0) : totalEvents(scenario.phases);
  const durationMs = scenario.phases.reduce((sum, p) => sum + p.durationMs, 0);
  return {
    runId: options.runId,
    runTag: runTagOf(options.runId),
    startAtMs: options.startAtMs,
    durationMs,
    targetRate: durationMs > 0 ? planned / (durationMs / 1000) : 0,
    planned,
    fullSpeed: options.fullSpeed ?? false,
    workers,
    ...(shard ? { shard } : {}),
  };
}
