// The open-model scheduler of one worker. Batches are formed in intended-time order and sent when
// their last event's time arrives; a batch is built (generated, encoded) before its time so the
// send itself is a handoff. A slow target never slows the schedule: when the in-flight cap is
// reached the batch is dropped and counted, and lateness shows up in the send-delay histogram.
// Full-speed mode (throughput benches) instead waits for a free slot and sends at once.

import { batchBody, encodeBatchBody } from '../generate/batch-body.js';
import type { EventGenerator } from '../generate/event-generator.js';
import type { Compression } from '../scenario/scenario.js';
import type { BatchSender } from './batch-sender.js';
import { EventStatus, LedgerFlag, type LedgerShard } from './ledger.js';
import type { LoadTally } from './load-tally.js';
import type { Clock } from '../clock.js';
import { waitUntil } from './precise-wait.js';
import { batchEnd, type Schedule } from './schedule.js';

export interface SendLoopOptions {
  /** Unix ms of the run's start (event offsets count from here). */
  readonly startAtMs: number;
  readonly fullSpeed: boolean;
  readonly schedule: Schedule;
  readonly batchSize: number;
  readonly token: string;
  readonly compression: Compression;
  readonly generator: EventGenerator;
  readonly shard: LedgerShard;
  readonly sender: BatchSender;
  readonly tally: LoadTally;
  readonly clock: Clock;
  /** Stops scheduling at once; unsent events are marked dropped. */
  readonly signal: AbortSignal;
}

/** Sends this worker's planned events and resolves once every batch has its final outcome. */
export async function runSendLoop(options: SendLoopOptions): Promise<void> {
  const loop = new SendLoop(options);
  const sentUpTo = options.fullSpeed ? await loop.fullSpeed() : await loop.timed();
  loop.dropUnsent(sentUpTo);
  await options.sender.drain();
}

class SendLoop {
  private readonly events: string[] = [];

  constructor(private readonly o: SendLoopOptions) {}

  /** Returns the first event not yet generated. */
  async timed(): Promise<number> {
    const { schedule, startAtMs, sender, signal, clock } = this.o;
    let cursor = 0;
    while (cursor < schedule.count && !signal.aborted) {
      const end = batchEnd(schedule, cursor, this.o.batchSize);
      for (let seq = cursor; seq < end; seq++) this.generate(seq, startAtMs + schedule.offsetMs(seq));
      const body = this.encode();
      const sendAt = startAtMs + schedule.offsetMs(end - 1);
      await waitUntil(sendAt, clock, signal);
      if (!signal.aborted && sender.hasFreeSlot) sender.send(cursor, end, body, sendAt);
      else this.drop(cursor, end);
      cursor = end;
    }
    return cursor;
  }

  async fullSpeed(): Promise<number> {
    const { schedule, startAtMs, sender, signal, clock, batchSize } = this.o;
    await waitUntil(startAtMs, clock, signal);
    const deadline = startAtMs + schedule.durationMs;
    let cursor = 0;
    while (cursor < schedule.count && !signal.aborted) {
      if (!sender.hasFreeSlot) {
        await sender.whenSlotFree();
        continue;
      }
      const now = clock.now();
      if (now >= deadline) break;
      const end = Math.min(cursor + batchSize, schedule.count);
      for (let seq = cursor; seq < end; seq++) this.generate(seq, now);
      sender.send(cursor, end, this.encode(), now);
      cursor = end;
    }
    return cursor;
  }

  /**
   * Events from `first` on were never generated (abort, or the full-speed deadline): they are
   * planned events that were not sent, so they go into the ledger as dropped, with their class
   * (skip() runs the identity state without rendering) and intended time.
   */
  dropUnsent(first: number): void {
    const { schedule, startAtMs, generator, shard, tally, fullSpeed, clock } = this.o;
    const stoppedAt = clock.now();
    const dropped = [0, 0];
    for (let seq = first; seq < schedule.count; seq++) {
      const identified = generator.skip();
      this.record(seq, fullSpeed ? stoppedAt : startAtMs + schedule.offsetMs(seq), identified);
      shard.status[seq] = EventStatus.dropped;
      dropped[identified ? 1 : 0]!++;
    }
    tally.count(0, 'dropped', dropped[0]!);
    tally.count(1, 'dropped', dropped[1]!);
  }

  private generate(seq: number, intendedMs: number): void {
    const { generator } = this.o;
    this.events.push(generator.next(seq, intendedMs));
    this.record(seq, intendedMs, generator.identified);
  }

  /** Intended time and flags of a planned event (status stays `planned` until it is sent). */
  private record(seq: number, intendedMs: number, identified: boolean): void {
    const { shard, schedule, tally } = this.o;
    shard.intended[seq] = intendedMs;
    shard.flags[seq] =
      (identified ? LedgerFlag.identified : 0) | (schedule.isMeasured(seq) ? LedgerFlag.measured : 0);
    tally.count(identified ? 1 : 0, 'planned', 1);
  }

  private encode(): ReturnType<typeof encodeBatchBody> {
    const body = encodeBatchBody(batchBody(this.o.token, this.events), this.o.compression);
    this.events.length = 0;
    return body;
  }

  private drop(first: number, end: number): void {
    const { shard, tally } = this.o;
    let identified = 0;
    for (let seq = first; seq < end; seq++) {
      identified += shard.flags[seq]! & LedgerFlag.identified;
      shard.status[seq] = EventStatus.dropped;
    }
    tally.count(0, 'dropped', end - first - identified);
    tally.count(1, 'dropped', identified);
  }
}
