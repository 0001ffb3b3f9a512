// The load plan of a replay: the same LoadPlan a generated run has (so the ledger, poller, report
// and verdict are the same code), with each worker's capacity counted from the file by the
// validating pass rather than from a formula. Pure.

import { IngestbenchError } from '../errors.js';
import { MAX_SEQ, MAX_WORKERS, runTag as runTagOf } from '../generate/event-uuid.js';
import type { Scenario } from '../scenario/scenario.js';
import type { LoadPlan } from './plan-load.js';
import type { ScannedReplay } from './scan-replay.js';

export function planReplay(
  replay: ScannedReplay,
  options: { readonly runId: string; readonly startAtMs: number },
): LoadPlan {
  const workers = replay.perWorker.length;
  if (workers < 1 || workers > MAX_WORKERS) {
    throw new IngestbenchError('USAGE', `workers is ${workers}: use a whole number from 1 to ${MAX_WORKERS}`);
  }
  const { total } = replay;
  const durationMs = replay.timing.durationMs;
  return {
    runId: options.runId,
    runTag: runTagOf(options.runId),
    startAtMs: options.startAtMs,
    durationMs,
    targetRate: durationMs > 0 ? total / (durationMs / 1000) : 0,
    planned: total,
    fullSpeed: false,
    workers: replay.perWorker.map((capacity, worker) => {
      if (capacity >= MAX_SEQ) {
        throw new IngestbenchError('USAGE', `worker ${worker} would send ${capacity} events: above 2^40`);
      }
      // Seeds drive nothing in a replay (the file decides every event); kept for the plan's shape.
      return { worker, seed: worker, rateShare: total > 0 ? capacity / total : 0, capacity };
    }),
  };
}

/**
 * The scenario a replay runs under: its settings (batching, compression, observation, SLA) as
 * given, its rate phases those of the replay (one measured phase at the replay's average rate),
 * and exact observation: counts observation names lost events by recomputing intended times from
 * the closed-form schedule, which a replay's times are not.
 */
export function replayScenario(scenario: Scenario, replay: ScannedReplay): Scenario {
  if (scenario.observation.method === 'counts') {
    throw new IngestbenchError(
      'SCENARIO_INVALID',
      `${scenario.source}: observation.method counts cannot observe a replay (its lost-event names come from the generated schedule): use exact or auto`,
    );
  }
  return {
    ...scenario,
    phases: replay.timing.phases(replay.total),
    observation: { ...scenario.observation, method: 'exact' },
  };
}
