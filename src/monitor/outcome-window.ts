// The outcomes a rolling SLA window is judged over (monitor-sla.ts judgeWindow), kept in the
// order they were decided and forgotten once the window has left them behind: the monitor's, one
// per event, and a run's under --metrics-listen, where events that share a class, a second and a
// latency are one outcome with a count, so a run at thousands of events a second keeps a few
// outcomes a second. Pure: every time is passed in.

import type { EventClass } from '../scenario/scenario.js';

/** Events whose fate the window judges: their time-to-queryable, Infinity when lost. */
export interface WindowOutcome {
  readonly decidedAtMs: number;
  readonly eventClass: EventClass;
  readonly latencyMs: number;
  /** How many events this outcome stands for (default 1). */
  readonly count?: number;
}

export class OutcomeWindow {
  private readonly outcomes: WindowOutcome[] = [];
  private head = 0;

  constructor(readonly windowMs: number) {}

  record(outcome: WindowOutcome): void {
    this.outcomes.push(outcome);
  }

  /** The outcomes decided within the window ending at `nowMs` (older ones are forgotten). */
  window(nowMs: number): readonly WindowOutcome[] {
    this.forgetBefore(nowMs - this.windowMs);
    return this.outcomes.slice(this.head);
  }

  /** Outcomes kept. */
  kept(): number {
    return this.outcomes.length - this.head;
  }

  /** Forgets the outcomes decided at or before `fromMs`. */
  forgetBefore(fromMs: number): void {
    while (this.head < this.outcomes.length && this.outcomes[this.head]!.decidedAtMs <= fromMs)
      this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.outcomes.length) {
      this.outcomes.splice(0, this.head);
      this.head = 0;
    }
  }
}
