// A replay worker's events: the recorded file streamed pass after pass (it loops until the planned
// count), keeping only this worker's distinct ids, each event timed by replay-timing.ts and
// re-stamped by replay-event.ts. It holds at most one batch of parsed events ahead of the send
// loop, so memory does not grow with the file.

import { IngestbenchError } from '../errors.js';
import { createEventUuidEncoder } from '../generate/event-uuid.js';
import { ReplayPass } from '../generate/replay-pass.js';
import { renderReplayEvent, replaySalt } from '../generate/replay-event.js';
import type { RecordedEvent } from '../generate/replay-record.js';
import { runSalt } from '../generate/user-population.js';
import type { EventSource } from './event-source.js';
import { onLedgerGrid } from './ledger.js';
import { BATCH_WINDOW_MS } from './schedule.js';
import { replayWorkerOf, type ReplayTiming } from './replay-timing.js';

export interface ReplaySourceOptions {
  readonly timing: ReplayTiming;
  /** This worker and how many share the file. */
  readonly worker: number;
  readonly workers: number;
  /** Events this worker plans (the plan counted them from the same rule). */
  readonly count: number;
  readonly runId: string;
  readonly runTag: number;
}

interface Pending {
  readonly record: RecordedEvent;
  readonly offsetMs: number;
  readonly pass: number;
  readonly index: number;
}

export class ReplaySource implements EventSource {
  identified = false;
  readonly count: number;
  readonly durationMs: number;
  private readonly timing: ReplayTiming;
  private readonly uuid: (seq: number, unixMs: number) => string;
  private readonly runSalt: string;
  /** Parsed events of this worker from `base` on, not yet sent or skipped. */
  private pending: Pending[] = [];
  private head = 0;
  private base = 0;
  private pass = 0;
  private reader: ReplayPass | null = null;
  private readThisPass = 0;
  private foundThisPass = 0;

  constructor(private readonly o: ReplaySourceOptions) {
    this.timing = o.timing;
    this.count = o.count;
    this.durationMs = o.timing.durationMs;
    this.uuid = createEventUuidEncoder(o.runTag, o.worker);
    this.runSalt = runSalt(o.runId);
  }

  batchEnd(first: number, batchSize: number): number {
    this.release(first);
    const limit = Math.min(this.count, first + batchSize);
    const latest = this.at(first).offsetMs + BATCH_WINDOW_MS;
    let end = first + 1;
    while (end < limit && this.at(end).offsetMs <= latest) end++;
    return end;
  }

  offsetMs(n: number): number {
    return this.at(n).offsetMs;
  }

  intendedAt(startAtMs: number, n: number): number {
    return onLedgerGrid(startAtMs + this.at(n).offsetMs);
  }

  isMeasured(): boolean {
    return true;
  }

  next(n: number, intendedMs: number): string {
    const event = this.at(n);
    this.identified = event.record.identified;
    return renderReplayEvent(event.record, {
      uuid: this.uuid(n, intendedMs),
      timestamp: new Date(Math.floor(intendedMs)).toISOString(),
      runId: this.o.runId,
      salt: replaySalt(this.runSalt, event.pass),
      seq: event.pass * this.timing.scan.events + event.index,
    });
  }

  skip(n: number): boolean {
    this.release(n);
    this.identified = this.at(n).record.identified;
    return this.identified;
  }

  close(): void {
    this.reader?.close();
    this.reader = null;
  }

  /** Event n, reading ahead as far as it. */
  private at(n: number): Pending {
    while (n - this.base >= this.pending.length - this.head) this.readOne();
    return this.pending[this.head + n - this.base]!;
  }

  /** Drops the events before n (sent or skipped). */
  private release(n: number): void {
    const drop = Math.min(n - this.base, this.pending.length - this.head);
    if (drop <= 0) return;
    this.head += drop;
    this.base += drop;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  /** Reads until one more event of this worker is pending, starting a new pass at the end of the file. */
  private readOne(): void {
    for (;;) {
      if (this.reader === null) {
        this.reader = new ReplayPass(this.timing.spec.file);
        this.readThisPass = 0;
        this.foundThisPass = 0;
      }
      const event = this.reader.next();
      if (event === null) {
        this.endPass();
        continue;
      }
      this.readThisPass++;
      if (replayWorkerOf(event.record.distinctId, this.o.workers) !== this.o.worker) continue;
      this.foundThisPass++;
      this.pending.push({
        record: event.record,
        offsetMs: this.timing.offsetMs(this.pass, event.index, event.recordedMs),
        pass: this.pass,
        index: event.index,
      });
      return;
    }
  }

  private endPass(): void {
    this.reader?.close();
    this.reader = null;
    // The plan counted the file before the load: a file that changed since would send events the
    // ledger has no room for, or loop for ever.
    if (this.readThisPass !== this.timing.scan.events) {
      throw new IngestbenchError(
        'REPLAY_INVALID',
        `${this.timing.spec.file} changed during the replay (${this.readThisPass} events in pass ${this.pass + 1}, ${this.timing.scan.events} when it was checked): replay a file nothing writes to`,
      );
    }
    if (this.foundThisPass === 0) {
      throw new IngestbenchError('INTERNAL', `replay worker ${this.o.worker} planned events but owns none`);
    }
    this.pass++;
  }
}
