// What a monitor holds of its events, kept flat for days: the events not yet seen (a Map by uuid,
// in send order, so the first entry is the oldest) and the outcomes of the rolling SLA window.
// An event seen is dropped at once (its latency goes to the histogram); an event still unseen
// at the first poll sent after its deadline (intended + deadline) is lost, counted and dropped.
// Memory is therefore bounded by rate × (deadline + poll interval) events, and rate × (window +
// poll interval) outcomes (each answered poll forgets those the window has left), whatever the
// monitor's age.
// A failed poll decides nothing, so during a query API outage nothing is expired: past twice the
// deadline an acknowledged event nobody could check is let go as unverified (never lost: no poll
// looked for it), which keeps the bound at rate × 2 × deadline however long the outage lasts.
// Pure: every time is passed in.

import type { EventClass } from '../scenario/scenario.js';
import type { TimeRange } from '../observe/poll-queries.js';
import { OutcomeWindow, type WindowOutcome } from './outcome-window.js';

export type { WindowOutcome } from './outcome-window.js';

interface Pending {
  readonly eventClass: EventClass;
  readonly intendedMs: number;
  acknowledged: boolean;
}

export interface MonitorLedgerOptions {
  /** An event unseen this long after its intended time is lost. */
  readonly deadlineMs: number;
  /** The rolling window the SLA is judged over. */
  readonly windowMs: number;
}

export class MonitorLedger {
  private readonly pending = new Map<string, Pending>();
  private readonly outcomes: OutcomeWindow;
  private newestSeenIntendedMs = -Infinity;
  /**
   * Intended time of the oldest event lost since the newest one seen: while nothing newer is
   * seen, ingestion has delivered nothing since then, and the stall's age counts from it.
   */
  private stalledSinceMs: number | null = null;

  constructor(readonly options: MonitorLedgerOptions) {
    this.outcomes = new OutcomeWindow(options.windowMs);
  }

  sent(uuid: string, eventClass: EventClass, intendedMs: number): void {
    this.pending.set(uuid, { eventClass, intendedMs, acknowledged: false });
  }

  acknowledged(uuid: string): void {
    const event = this.pending.get(uuid);
    if (event) event.acknowledged = true;
  }

  /** Capture refused it or did not answer: nothing to look for (counted as a capture error). */
  forget(uuid: string): void {
    this.pending.delete(uuid);
  }

  /** A row of ours came back at `atMs`: its latency, or null for a uuid not held (seen, lost, foreign). */
  seen(uuid: string, atMs: number): { eventClass: EventClass; latencyMs: number } | null {
    const event = this.pending.get(uuid);
    if (!event) return null;
    this.pending.delete(uuid);
    const latencyMs = Math.max(0, atMs - event.intendedMs);
    this.newestSeenIntendedMs = Math.max(this.newestSeenIntendedMs, event.intendedMs);
    if (this.stalledSinceMs !== null && event.intendedMs > this.stalledSinceMs) this.stalledSinceMs = null;
    this.record({ decidedAtMs: atMs, eventClass: event.eventClass, latencyMs });
    return { eventClass: event.eventClass, latencyMs };
  }

  /**
   * After a poll sent at `polledAtMs` answered: every acknowledged event whose deadline had passed
   * when the poll was sent and that it did not return is lost. Returns them by class.
   */
  expire(polledAtMs: number): Record<EventClass, number> {
    const lost = { anonymous: 0, identified: 0 };
    for (const [uuid, event] of this.pending) {
      if (event.intendedMs + this.options.deadlineMs > polledAtMs) break;
      if (!event.acknowledged) continue; // capture has not answered yet: not ours to judge
      this.pending.delete(uuid);
      lost[event.eventClass] += 1;
      if (this.stalledSinceMs === null && event.intendedMs > this.newestSeenIntendedMs)
        this.stalledSinceMs = event.intendedMs;
      this.record({ decidedAtMs: polledAtMs, eventClass: event.eventClass, latencyMs: Infinity });
    }
    // Every answered poll forgets the outcomes the window has left behind, so a monitor nobody
    // scrapes, logs or watches (the only callers of window()) does not keep them for ever.
    this.outcomes.forgetBefore(polledAtMs - this.options.windowMs);
    return lost;
  }

  /**
   * After a poll failed at `nowMs`: every acknowledged event held past twice its deadline is let
   * go, unverified (no answered poll has looked for it since its deadline). Returns them by class.
   * The stall's age keeps counting from the oldest of them until something newer is seen.
   */
  abandon(nowMs: number): Record<EventClass, number> {
    const unverified = { anonymous: 0, identified: 0 };
    for (const [uuid, event] of this.pending) {
      if (event.intendedMs + 2 * this.options.deadlineMs > nowMs) break;
      if (!event.acknowledged) continue;
      this.pending.delete(uuid);
      unverified[event.eventClass] += 1;
      if (this.stalledSinceMs === null && event.intendedMs > this.newestSeenIntendedMs)
        this.stalledSinceMs = event.intendedMs;
    }
    return unverified;
  }

  /**
   * How long the oldest acknowledged event nobody has seen has waited: the oldest one held, or
   * the first one lost since the newest seen (ingestion stalled: lost ones are not held, but the
   * stall is not over until something newer comes back). 0 when there is none.
   */
  oldestUnseenAgeMs(nowMs: number): number {
    let oldest = this.stalledSinceMs ?? Infinity;
    for (const event of this.pending.values()) {
      if (event.intendedMs >= oldest) break;
      if (event.acknowledged) {
        oldest = event.intendedMs;
        break;
      }
    }
    return oldest === Infinity ? 0 : Math.max(0, nowMs - oldest);
  }

  /** The intended-time range that holds every event not yet seen, or null when none is held. */
  queryRange(): TimeRange | null {
    let from = Infinity;
    let to = -Infinity;
    for (const event of this.pending.values()) {
      from = Math.min(from, event.intendedMs);
      to = Math.max(to, event.intendedMs);
    }
    return from === Infinity ? null : [Math.floor(from), Math.floor(to) + 1];
  }

  /** Events held (sent, not yet seen or lost). */
  held(): number {
    return this.pending.size;
  }

  /** The outcomes decided within the window ending at `nowMs` (older ones are forgotten). */
  window(nowMs: number): readonly WindowOutcome[] {
    return this.outcomes.window(nowMs);
  }

  /** Outcomes kept for the window (what the ledger holds besides the events themselves). */
  kept(): number {
    return this.outcomes.kept();
  }

  private record(outcome: WindowOutcome): void {
    this.outcomes.record(outcome);
  }
}
