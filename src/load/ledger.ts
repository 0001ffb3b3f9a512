// The ledger: one slot per planned event, per worker, in SharedArrayBuffers so the worker that
// sends an event and the poller on the main thread that sees it write the same slot without
// messages. 15 bytes per tracked event:
//   intended  Uint32: ticks of 1/32 ms since the shard's epoch (the send loop puts every intended
//             time on that grid first, so the ledger, the ack histograms and the bucket counts all
//             hold the same value); 0xFFFFFFFF means "not planned". The span is 37 h from the
//             epoch, which is an hour before the shard's first intended time.
//   ack       Float32: ms after the intended time; NaN means "not yet".
//   visible   Float32: ms after the intended time; NaN means "not yet". A Float32 keeps 24 bits,
//             so a latency of 1.5 s is held to 0.1 µs and one of 24 h to 8 ms, far finer than the
//             poll resolution either is measured with.
//   status, flags, seen: a byte each.
// Readers and writers see unix milliseconds only, through the accessors below.

import type { EventClass } from '../scenario/scenario.js';

export const EventStatus = {
  planned: 0,
  /** Handed to the HTTP client, no answer yet. */
  sent: 1,
  acknowledged: 2,
  /** The target answered with a non-2xx status (after retries). */
  rejected: 3,
  /** Never sent: the in-flight cap was reached, or the run was stopped before its time. */
  dropped: 4,
  /** Network error or timeout: unknown whether the target has it. */
  failed: 5,
} as const;
export type EventStatusCode = (typeof EventStatus)[keyof typeof EventStatus];

export const CLASS_CODE: Readonly<Record<EventClass, number>> = { anonymous: 0, identified: 1 };
export const CLASS_OF_CODE: readonly EventClass[] = ['anonymous', 'identified'];

/** Bit flags in `flags`. */
export const LedgerFlag = { identified: 1, measured: 2 } as const;

export const BYTES_PER_EVENT = 4 * 3 + 3;

/** Intended times are held in ticks of 1/TICKS_PER_MS ms (31.25 µs). */
export const TICKS_PER_MS = 32;
const NOT_PLANNED = 0xffff_ffff;
/** The epoch sits this far before a shard's first intended time, for writes out of seq order. */
const EPOCH_LEAD_MS = 3_600_000;
/** How long after its first intended time a shard can still record one: about 36 h. */
export const LEDGER_SPAN_MS = Math.floor((NOT_PLANNED - 1) / TICKS_PER_MS) - EPOCH_LEAD_MS;

/**
 * A time on the ledger's grid. Exact in float64 for any unix-ms time (ms × 32 stays far below
 * 2^53), so the value the ledger decodes is the value the worker used.
 */
export function onLedgerGrid(ms: number): number {
  return Math.round(ms * TICKS_PER_MS) / TICKS_PER_MS;
}

/** The shareable part of one worker's ledger (what crosses to the worker thread). */
export interface LedgerShardBuffers {
  readonly capacity: number;
  /** Float64 × 1: the epoch (unix ms, whole), NaN until the first intended time is written. */
  readonly epoch: SharedArrayBuffer;
  /** Uint32 intended ticks | Float32 ack | Float32 visible, each × capacity. */
  readonly times: SharedArrayBuffer;
  /** Uint8 × 3 × capacity: status | flags | seen. */
  readonly bytes: SharedArrayBuffer;
}

export class LedgerShard {
  readonly capacity: number;
  readonly status: Uint8Array;
  readonly flags: Uint8Array;
  /** How many rows with this uuid the poller has seen (saturates at 255). */
  readonly seen: Uint8Array;
  private readonly epochMs: Float64Array;
  private readonly intendedTicks: Uint32Array;
  private readonly ackAfter: Float32Array;
  private readonly visibleAfter: Float32Array;

  constructor(readonly buffers: LedgerShardBuffers) {
    const n = buffers.capacity;
    this.capacity = n;
    this.epochMs = new Float64Array(buffers.epoch, 0, 1);
    this.intendedTicks = new Uint32Array(buffers.times, 0, n);
    this.ackAfter = new Float32Array(buffers.times, 4 * n, n);
    this.visibleAfter = new Float32Array(buffers.times, 8 * n, n);
    this.status = new Uint8Array(buffers.bytes, 0, n);
    this.flags = new Uint8Array(buffers.bytes, n, n);
    this.seen = new Uint8Array(buffers.bytes, 2 * n, n);
  }

  static allocate(capacity: number): LedgerShard {
    const shard = new LedgerShard({
      capacity,
      epoch: new SharedArrayBuffer(8),
      times: new SharedArrayBuffer(4 * 3 * capacity),
      bytes: new SharedArrayBuffer(3 * capacity),
    });
    shard.epochMs[0] = NaN;
    shard.intendedTicks.fill(NOT_PLANNED);
    shard.ackAfter.fill(NaN);
    shard.visibleAfter.fill(NaN);
    return shard;
  }

  /** Bytes of shared memory this shard holds. */
  get byteLength(): number {
    const b = this.buffers;
    return b.epoch.byteLength + b.times.byteLength + b.bytes.byteLength;
  }

  /** Intended time (unix ms, on the ledger grid), NaN when the event was never planned. */
  intendedAt(seq: number): number {
    const ticks = this.intendedTicks[seq]!;
    return ticks === NOT_PLANNED ? NaN : this.epochMs[0]! + ticks / TICKS_PER_MS;
  }

  /** Record an event's intended time, rounded to the grid (see onLedgerGrid). */
  setIntended(seq: number, ms: number): void {
    let epoch = this.epochMs[0]!;
    if (Number.isNaN(epoch)) {
      epoch = Math.floor(ms) - EPOCH_LEAD_MS;
      this.epochMs[0] = epoch;
    }
    const ticks = Math.round((ms - epoch) * TICKS_PER_MS);
    if (!(ticks >= 0 && ticks < NOT_PLANNED))
      throw new RangeError(
        `intended time ${ms} is outside this ledger's span (${new Date(epoch).toISOString()} + ${LEDGER_SPAN_MS / 3_600_000} h); ` +
          'a run this long needs observation.method: counts',
      );
    this.intendedTicks[seq] = ticks;
  }

  /** When the target acknowledged the event (unix ms), NaN until it has. */
  ackAt(seq: number): number {
    return this.intendedAt(seq) + this.ackAfter[seq]!;
  }

  setAck(seq: number, ms: number): void {
    this.ackAfter[seq] = ms - this.plannedAt(seq);
  }

  /** When the poller first saw the event (unix ms), NaN until it has. */
  visibleAt(seq: number): number {
    return this.intendedAt(seq) + this.visibleAfter[seq]!;
  }

  /** Visible time − intended time (ms) as stored, NaN until seen: no decoding on the way. */
  visibleLatencyMs(seq: number): number {
    return this.visibleAfter[seq]!;
  }

  isVisible(seq: number): boolean {
    return !Number.isNaN(this.visibleAfter[seq]!);
  }

  setVisible(seq: number, ms: number): void {
    this.visibleAfter[seq] = ms - this.plannedAt(seq);
  }

  classOf(seq: number): EventClass {
    return (this.flags[seq]! & LedgerFlag.identified) !== 0 ? 'identified' : 'anonymous';
  }

  isMeasured(seq: number): boolean {
    return (this.flags[seq]! & LedgerFlag.measured) !== 0;
  }

  /** The intended time ack and visible times are kept relative to; it must exist. */
  private plannedAt(seq: number): number {
    const intended = this.intendedAt(seq);
    if (Number.isNaN(intended))
      throw new RangeError(`ledger slot ${seq} has no intended time: it was never planned`);
    return intended;
  }
}

/** All workers' shards, indexed by worker number. */
export class Ledger {
  constructor(readonly shards: readonly LedgerShard[]) {}

  static allocate(capacities: readonly number[]): Ledger {
    return new Ledger(capacities.map((c) => LedgerShard.allocate(c)));
  }

  shard(worker: number): LedgerShard {
    const shard = this.shards[worker];
    if (!shard) throw new RangeError(`no ledger shard for worker ${worker}`);
    return shard;
  }

  get capacity(): number {
    return this.shards.reduce((sum, s) => sum + s.capacity, 0);
  }

  /** Bytes of shared memory all shards hold. */
  get byteLength(): number {
    return this.shards.reduce((sum, s) => sum + s.byteLength, 0);
  }
}
