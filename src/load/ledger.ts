// The ledger: one slot per planned event, per worker, in SharedArrayBuffers so the worker that
// sends an event and the poller on the main thread that sees it write the same slot without
// messages. 27 bytes per tracked event: three Float64 times, status, class and a seen count.
// Times are unix milliseconds (fractional); NaN means "not yet".

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

export const BYTES_PER_EVENT = 8 * 3 + 3;

/** The shareable part of one worker's ledger (what crosses to the worker thread). */
export interface LedgerShardBuffers {
  readonly capacity: number;
  readonly times: SharedArrayBuffer; // Float64 × 3 × capacity: intended | ack | visible
  readonly bytes: SharedArrayBuffer; // Uint8 × 3 × capacity: status | flags | seen
}

export class LedgerShard {
  readonly capacity: number;
  readonly intended: Float64Array;
  readonly ack: Float64Array;
  readonly visible: Float64Array;
  readonly status: Uint8Array;
  readonly flags: Uint8Array;
  /** How many rows with this uuid the poller has seen (saturates at 255). */
  readonly seen: Uint8Array;

  constructor(readonly buffers: LedgerShardBuffers) {
    const n = buffers.capacity;
    this.capacity = n;
    this.intended = new Float64Array(buffers.times, 0, n);
    this.ack = new Float64Array(buffers.times, 8 * n, n);
    this.visible = new Float64Array(buffers.times, 16 * n, n);
    this.status = new Uint8Array(buffers.bytes, 0, n);
    this.flags = new Uint8Array(buffers.bytes, n, n);
    this.seen = new Uint8Array(buffers.bytes, 2 * n, n);
  }

  static allocate(capacity: number): LedgerShard {
    const shard = new LedgerShard({
      capacity,
      times: new SharedArrayBuffer(8 * 3 * capacity),
      bytes: new SharedArrayBuffer(3 * capacity),
    });
    shard.intended.fill(NaN);
    shard.ack.fill(NaN);
    shard.visible.fill(NaN);
    return shard;
  }

  classOf(seq: number): EventClass {
    return (this.flags[seq]! & LedgerFlag.identified) !== 0 ? 'identified' : 'anonymous';
  }

  isMeasured(seq: number): boolean {
    return (this.flags[seq]! & LedgerFlag.measured) !== 0;
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
}
