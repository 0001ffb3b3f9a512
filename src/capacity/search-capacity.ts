// The capacity search for one class: ramp the offered rate up in steps until a step fails, then
// bisect between the best passing and the lowest failing rate until they are within `resolution`
// of each other, so the knee lies within one step. Pure apart from the step runner it is given
// (tests drive it with a fake one whose knee they choose).
//
// The generator's ceiling bounds the ramp: a rate this machine cannot send is never asked for. A
// step that fails twice in a row because the generator fell behind while capture kept up is an
// upper bound like a target failure, but the generator's: when every step up to the ceiling
// passes, or the generator failed below the lowest rate the target failed, the answer is "at
// least" the best passing rate, limited by the generator, never a figure the generator made up.

import { IngestbenchError } from '../errors.js';
import type { CapacityStep, LimitedBy } from '../verdict/capacity-types.js';

/** Steps a class's search runs at most, unless told otherwise. */
export const DEFAULT_MAX_STEPS = 16;

export interface SearchOptions {
  /** First offered rate, events/s. */
  readonly startRate: number;
  /** The highest rate the generator can offer, events/s. */
  readonly ceiling: number;
  /** Ramp factor between steps (default 2). */
  readonly growth?: number;
  /** Bisect until failedAt ≤ sustainable × (1 + resolution) (default 0.1). */
  readonly resolution?: number;
  /** Steps at most, ramp and bisection together (default 16). */
  readonly maxSteps?: number;
  /** The lowest rate worth trying when even the first step fails (default 1 event/s). */
  readonly minRate?: number;
  readonly signal?: AbortSignal;
}

export interface SearchResult {
  readonly sustainable: number | null;
  readonly failedAt: number | null;
  readonly limitedBy: LimitedBy;
  readonly resolved: boolean;
  readonly steps: readonly CapacityStep[];
}

/** Runs one step at `rate` events/s and judges it. */
export type StepRunner = (rate: number) => Promise<CapacityStep>;

export async function searchCapacity(runStep: StepRunner, options: SearchOptions): Promise<SearchResult> {
  const growth = options.growth ?? 2;
  const resolution = options.resolution ?? 0.1;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const minRate = options.minRate ?? 1;
  if (!(growth > 1) || !(resolution > 0) || !(options.startRate > 0) || !(options.ceiling > 0)) {
    throw new IngestbenchError(
      'USAGE',
      `capacity search needs growth > 1, resolution > 0 and positive rates (growth ${growth}, resolution ${resolution}, start ${options.startRate}/s, ceiling ${options.ceiling}/s)`,
    );
  }
  const steps: CapacityStep[] = [];
  let best: number | null = null;
  /** Lowest rate the target failed, and lowest the generator failed (twice): the search's upper bounds. */
  let targetFail: number | null = null;
  let generatorFail: number | null = null;
  let retried: number | null = null;
  let rate: number | null = roundRate(Math.min(options.startRate, options.ceiling));

  while (rate !== null && steps.length < maxSteps && options.signal?.aborted !== true) {
    const step = await runStep(rate);
    steps.push(step);
    if (step.pass) best = Math.max(best ?? 0, rate);
    else if (step.failedBy === 'generator') {
      // A generator hiccup (a neighbour's burst on a shared machine) gets one more try; twice at
      // the same rate, this machine cannot send it: the search goes on below it, toward what the
      // generator can send, and what lies above is not the target's to fail.
      if (retried !== rate) {
        retried = rate;
        continue;
      }
      generatorFail = Math.min(generatorFail ?? Number.POSITIVE_INFINITY, rate);
    } else targetFail = Math.min(targetFail ?? Number.POSITIVE_INFINITY, rate);
    rate = nextRate();
  }

  const upper = upperBound();
  const targetLimited = targetFail !== null && (generatorFail === null || targetFail <= generatorFail);
  return {
    sustainable: best,
    failedAt: targetFail,
    limitedBy: targetLimited ? 'target' : 'generator',
    resolved: best !== null && upper !== null && upper <= best * (1 + resolution) + 1,
    steps,
  };

  function upperBound(): number | null {
    if (targetFail === null) return generatorFail;
    return generatorFail === null ? targetFail : Math.min(targetFail, generatorFail);
  }

  /** The next rate to try, or null when the search is done. */
  function nextRate(): number | null {
    const upper = upperBound();
    if (upper === null) {
      // Ramping up: stop at the ceiling once it has passed.
      if (best !== null && best >= roundRate(options.ceiling)) return null;
      return roundRate(Math.min((best ?? options.startRate) * growth, options.ceiling));
    }
    if (best === null) {
      // Even the first step failed: ramp down.
      const down = roundRate(upper / growth);
      return down < minRate || down >= upper ? null : down;
    }
    if (upper <= best * (1 + resolution) + 1) return null;
    const middle = roundRate((best + upper) / 2);
    return middle <= best || middle >= upper ? null : middle;
  }
}

/** Whole events/s: steps are planned and reported in them. */
function roundRate(rate: number): number {
  return Math.max(1, Math.round(rate));
}
