// Messages between runLoad (main thread) and each load worker. Histograms cross as encoded
// strings and the ledger as SharedArrayBuffers; everything else is plain data.

import type { ClockAnchor } from '../clock.js';
import type { ErrorCode } from '../errors.js';
import type { WorkloadTally } from '../generate/event-generator.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import type { BucketCountsBuffers } from './bucket-counts.js';
import type { LedgerShardBuffers } from './ledger.js';
import type { EncodedLoadHistograms } from '../core/latency-histogram.js';
import type { ClassCounts, LoadTallySnapshot, OutcomeTotals } from './load-tally.js';
import type { LoadPlan } from './plan-load.js';
import type { ReplayScan, ReplaySpec } from './replay-timing.js';

export interface StartMessage {
  readonly type: 'start';
  readonly worker: number;
  readonly scenario: Scenario;
  readonly plan: LoadPlan;
  /** The worker's ledger shard (exact observation), or null (counts observation keeps none). */
  readonly ledger: LedgerShardBuffers | null;
  /** Per-bucket counters shared by all workers (counts observation), or null. */
  readonly bucketCounts: BucketCountsBuffers | null;
  /** The token is a secret: the worker sends it and never logs it. */
  readonly target: { readonly captureUrl: string; readonly token: string; readonly endpoint?: string };
  readonly progressIntervalMs: number;
  /** A replay: the file and pace, and what its validating pass found; null for generated events. */
  readonly replay: { readonly spec: ReplaySpec; readonly scan: ReplayScan } | null;
  /** The main thread's clock anchor: the worker's times are on the run's one time base. */
  readonly clockAnchor: ClockAnchor;
}

/** Stop scheduling now, let requests in flight finish, mark the rest dropped, then report. */
export interface AbortMessage {
  readonly type: 'abort';
}

export type MainToWorker = StartMessage | AbortMessage;

/** Generator built (pools, population): the worker is ready and scheduling. */
export interface StartedMessage {
  readonly type: 'started';
  readonly worker: number;
  readonly setupMs: number;
}

export interface ProgressMessage {
  readonly type: 'progress';
  readonly worker: number;
  readonly totals: OutcomeTotals;
  /** The same counts per class, and failed HTTP attempts by kind, so far (the live view). */
  readonly classes: Record<EventClass, ClassCounts>;
  readonly errors: Record<string, number>;
  /** The worst send delay (ms) since the previous progress message; null when nothing was sent. */
  readonly sendDelayMaxMs: number | null;
  /** Requests in flight (retry waits included). */
  readonly inFlight: number;
}

export interface DoneMessage {
  readonly type: 'done';
  readonly worker: number;
  readonly tally: LoadTallySnapshot;
  readonly histograms: EncodedLoadHistograms;
  /** What the generator produced: per-user counts (the largest) and sessions, for the skew figure. */
  /** The generated workload's users and sessions; null for a replay. */
  readonly workload: WorkloadTally | null;
}

/** A configuration problem or a harness bug (request failures are never errors). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly worker: number;
  readonly code: ErrorCode | null;
  readonly message: string;
}

export type WorkerToMain = StartedMessage | ProgressMessage | DoneMessage | ErrorMessage;
