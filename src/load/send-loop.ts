// The open-model scheduler of one worker. Batches are formed in intended-time order and sent when
// their last event's time arrives; a batch is built (generated, encoded) before its time so the
// send itself is a handoff. A slow target never slows the schedule: when the in-flight cap is
// reached the batch is dropped and counted, and lateness shows up in the send-delay histogram.
// Full-speed mode (throughput benches) instead waits for a free slot and sends at once.
// Which events there are and when each is meant to go is the event source's (event-source.ts):
// generated from the closed-form schedule, or replayed from a recorded file.

import { BatchBodyWriter, type EncodedBody } from '../generate/batch-body.js';
import type { Compression } from '../scenario/scenario.js';
import type { BatchEvents, BatchSender } from './batch-sender.js';
import { BucketField, type BucketCountsWriter } from './bucket-counts.js';
import { EventStatus, LedgerFlag, onLedgerGrid, type LedgerShard } from './ledger.js';
import type { LoadTally } from './load-tally.js';
import type { Clock } from '../clock.js';
import type { EventSource } from './event-source.js';
import { waitUntil } from './precise-wait.js';

export interface SendLoopOptions {
  /** Unix ms of the run's start (event offsets count from here). */
  readonly startAtMs: number;
  readonly fullSpeed: boolean;
  /** This worker's events and their intended times. */
  readonly source: EventSource;
  readonly batchSize: number;
  readonly token: string;
  readonly compression: Compression;
  /** The per-event ledger (exact observation), or null: counts observation keeps none. */
  readonly shard: LedgerShard | null;
  /** Per-bucket counters (counts observation), or null. */
  readonly buckets: BucketCountsWriter | null;
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
  // Intended times and flags of the batch being built: the batch carries them, so sending and
  // accounting need no per-event ledger.
  private batch: { intended: number[]; flags: number[] } = { intended: [], flags: [] };
  private readonly bodies: BatchBodyWriter;

  constructor(private readonly o: SendLoopOptions) {
    this.bodies = new BatchBodyWriter(o.token);
  }

  /** Returns the first event not yet generated. */
  async timed(): Promise<number> {
    const { source, startAtMs, sender, signal, clock } = this.o;
    let cursor = 0;
    while (cursor < source.count && !signal.aborted) {
      const end = source.batchEnd(cursor, this.o.batchSize);
      const sendAt = startAtMs + source.offsetMs(end - 1);
      for (let seq = cursor; seq < end; seq++) this.generate(seq, source.intendedAt(startAtMs, seq));
      const body = this.encode();
      await waitUntil(sendAt, clock, signal);
      const batch = this.takeBatch();
      if (!signal.aborted && sender.hasFreeSlot) sender.send(cursor, end, body, sendAt, batch);
      else this.drop(cursor, end, batch);
      cursor = end;
    }
    return cursor;
  }

  async fullSpeed(): Promise<number> {
    const { source, startAtMs, sender, signal, clock, batchSize } = this.o;
    await waitUntil(startAtMs, clock, signal);
    const deadline = startAtMs + source.durationMs;
    let cursor = 0;
    while (cursor < source.count && !signal.aborted) {
      if (!sender.hasFreeSlot) {
        await sender.whenSlotFree(signal);
        continue;
      }
      const now = clock.now();
      if (now >= deadline) break;
      const end = Math.min(cursor + batchSize, source.count);
      const intendedMs = onLedgerGrid(now);
      for (let seq = cursor; seq < end; seq++) this.generate(seq, intendedMs);
      const body = this.encode();
      sender.send(cursor, end, body, now, this.takeBatch());
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
    const { source, startAtMs, shard, buckets, tally, fullSpeed, clock } = this.o;
    const stoppedAt = clock.now();
    const dropped = [0, 0];
    for (let seq = first; seq < source.count; seq++) {
      const identified = source.skip(seq);
      const intendedMs = fullSpeed ? onLedgerGrid(stoppedAt) : source.intendedAt(startAtMs, seq);
      this.record(seq, intendedMs, identified, false);
      if (shard) shard.status[seq] = EventStatus.dropped;
      buckets?.count(identified ? 1 : 0, intendedMs, BucketField.dropped);
      dropped[identified ? 1 : 0]!++;
    }
    buckets?.flush();
    if (first < source.count) buckets?.unacknowledged(first, source.count);
    tally.count(0, 'dropped', dropped[0]!);
    tally.count(1, 'dropped', dropped[1]!);
  }

  private takeBatch(): BatchEvents {
    const batch = this.batch;
    this.batch = { intended: [], flags: [] };
    this.o.buckets?.flush();
    return batch;
  }

  /**
   * `intendedMs` is on the ledger's grid (31.25 µs) in every mode, so the ledger, the ack
   * histograms, the bucket counts and the event's own timestamp all carry one value.
   */
  private generate(seq: number, intendedMs: number): void {
    const { source } = this.o;
    this.events.push(source.next(seq, intendedMs));
    this.record(seq, intendedMs, source.identified);
  }

  /** Intended time and flags of a planned event (status stays `planned` until it is sent). */
  private record(seq: number, intendedMs: number, identified: boolean, inBatch = true): void {
    const { shard, buckets, source, tally } = this.o;
    const flags =
      (identified ? LedgerFlag.identified : 0) | (source.isMeasured(seq) ? LedgerFlag.measured : 0);
    if (shard) {
      shard.setIntended(seq, intendedMs);
      shard.flags[seq] = flags;
    }
    if (inBatch) {
      this.batch.intended.push(intendedMs);
      this.batch.flags.push(flags);
    }
    buckets?.count(identified ? 1 : 0, intendedMs, BucketField.planned);
    if ((flags & LedgerFlag.measured) !== 0)
      buckets?.count(identified ? 1 : 0, intendedMs, BucketField.plannedMeasured);
    tally.count(identified ? 1 : 0, 'planned', 1);
  }

  private encode(): EncodedBody {
    const body = this.bodies.encode(this.events, this.o.compression);
    this.events.length = 0;
    return body;
  }

  private drop(first: number, end: number, batch: BatchEvents): void {
    const { shard, buckets, tally } = this.o;
    let identified = 0;
    for (let seq = first; seq < end; seq++) {
      const isIdentified = batch.flags[seq - first]! & LedgerFlag.identified;
      identified += isIdentified;
      if (shard) shard.status[seq] = EventStatus.dropped;
      buckets?.count(isIdentified, batch.intended[seq - first]!, BucketField.dropped);
    }
    buckets?.flush();
    buckets?.unacknowledged(first, end);
    tally.count(0, 'dropped', end - first - identified);
    tally.count(1, 'dropped', identified);
  }
}
