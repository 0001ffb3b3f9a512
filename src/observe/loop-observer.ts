// What both observers (exact polling and counts) do alike around their ObservationLoop: drain and
// stop through it, and give the loop's stats with what their own tracker found in the last poll.

import type { ObservationLoop } from './observation-loop.js';
import type { LoopFigures, ObserverFindings } from './observation-result.js';
import type { ObserverStats, StopOptions } from './observer.js';

export abstract class LoopObserver<F extends ObserverFindings> {
  protected readonly loop: ObservationLoop<F>;
  /** Acknowledged events the last poll had not seen. */
  protected pending = 0;
  /** Intended send time of the oldest of them (NaN: none). */
  protected oldestUnseenAt = Number.NaN;

  protected constructor(loop: ObservationLoop<F>) {
    this.loop = loop;
  }

  /** Events seen so far, by the observer's tracker. */
  protected abstract visible(): number;

  drain(timeoutMs: number): Promise<LoopFigures & F> {
    return this.loop.drain(timeoutMs);
  }

  stop(options?: StopOptions): Promise<LoopFigures & F> {
    return this.loop.stop(options);
  }

  stats(): ObserverStats {
    return this.loop.stats({
      visible: this.visible(),
      pending: this.pending,
      oldestUnseenAt: this.oldestUnseenAt,
    });
  }
}
