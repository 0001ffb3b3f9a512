// What the send loop sends: one worker's events, each with its intended time and its class. The
// send loop owns batching, waiting, sending and accounting; a source owns which events there are
// and when each is meant to go. Two sources exist:
// - GeneratedSource: the closed-form schedule (schedule.ts) and the seeded generator, so event n's
//   time is a formula and its text is drawn on demand;
// - ReplaySource (replay-source.ts): a recorded file streamed line by line, its times taken from
//   the recording (`--speed`) or from a constant rate (`--rate`).
// Everything is synchronous: a replay reads its file with blocking reads on its own worker thread,
// so the generated path keeps its tight loop and neither source needs a promise per event.

import type { EventGenerator } from '../generate/event-generator.js';
import { batchEnd, type Schedule } from './schedule.js';

export interface EventSource {
  /** Events this worker plans: the size of its ledger shard. */
  readonly count: number;
  /** Span of the schedule, ms from the start (full-speed mode stops at it). */
  readonly durationMs: number;
  /** Class of the event last rendered or skipped: true when identified. */
  readonly identified: boolean;
  /**
   * End (exclusive) of the batch that starts at event `first`: up to `batchSize` events in
   * intended-time order, no wider than the batch window. Events [first, end) are then ready for
   * offsetMs, intendedAt, isMeasured and next.
   */
  batchEnd(first: number, batchSize: number): number;
  /** Intended time of a ready event, ms since the start (off the ledger grid). */
  offsetMs(n: number): number;
  /** Intended time of a ready event for a run starting at `startAtMs`, on the ledger's grid. */
  intendedAt(startAtMs: number, n: number): number;
  isMeasured(n: number): boolean;
  /** The JSON text of event n (the next in order), stamped with `intendedMs`; sets `identified`. */
  next(n: number, intendedMs: number): string;
  /** Advances past event n (the next in order) without rendering it; returns its class. */
  skip(n: number): boolean;
  /** Releases what the source holds open (a replay's file). */
  close(): void;
}

/** The generated workload: the closed-form schedule and the seeded generator of one worker. */
export class GeneratedSource implements EventSource {
  constructor(
    private readonly schedule: Schedule,
    private readonly generator: EventGenerator,
  ) {}

  get count(): number {
    return this.schedule.count;
  }

  get durationMs(): number {
    return this.schedule.durationMs;
  }

  get identified(): boolean {
    return this.generator.identified;
  }

  batchEnd(first: number, batchSize: number): number {
    return batchEnd(this.schedule, first, batchSize);
  }

  offsetMs(n: number): number {
    return this.schedule.offsetMs(n);
  }

  intendedAt(startAtMs: number, n: number): number {
    return this.schedule.intendedAt(startAtMs, n);
  }

  isMeasured(n: number): boolean {
    return this.schedule.isMeasured(n);
  }

  next(n: number, intendedMs: number): string {
    return this.generator.next(n, intendedMs);
  }

  skip(): boolean {
    return this.generator.skip();
  }

  close(): void {}
}
