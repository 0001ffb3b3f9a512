// When each capacity step's load starts. A step's schedule is fixed before its load workers exist,
// and a worker ready after the planned start sends its first batches late: the overdue batches
// leave at once, fill the in-flight cap (drops) and show as send delay, so the step fails on the
// generator, or on the target when the burst slows capture's answers. A step's warm-up (2-5 s)
// absorbs a short delay only at rates high enough to fill batches in it. Measured on a loaded
// 2-core machine: web-app's workers were ready 4.2-4.6 s after the planned start of a single run
// (1 s after planning), quickstart's 2.0-2.6 s. So each step plans its start beyond the start-up
// the step before it measured (from planning to the slowest worker ready), with a margin.

import { DEFAULT_START_DELAY_MS } from '../run/plan-run.js';

/** The first step's guess, from planning to the workers ready, before any was measured, ms. */
const FIRST_GUESS_READY_MS = 3000;
/** A start-up longer than this is not planned around: its lateness shows, as it should. */
const MAX_START_DELAY_MS = 20_000;

export class StepStartDelay {
  #readyMs = FIRST_GUESS_READY_MS;
  #usedMs = Number.NaN;

  /** The delay from planning to the first event for the step about to be planned, ms. */
  next(): number {
    this.#usedMs = Math.min(
      MAX_START_DELAY_MS,
      Math.max(DEFAULT_START_DELAY_MS, Math.ceil(1.5 * this.#readyMs + 250)),
    );
    return this.#usedMs;
  }

  /**
   * What the step planned with next() saw: its load's start and when its slowest worker was ready
   * (LoadResult.startedAt, workersReadyAt). A step with no worker ready keeps the last figure.
   */
  measured(startAtMs: number, workersReadyAt: number): void {
    const plannedAt = startAtMs - this.#usedMs;
    const readyMs = workersReadyAt - plannedAt;
    if (Number.isFinite(readyMs) && readyMs > 0) this.#readyMs = readyMs;
  }
}
