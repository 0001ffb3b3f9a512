// Messages between the reference target (parent) and its ingestion child process, over the
// child_process IPC channel (JSON). A discriminated union so both sides switch exhaustively.

import type { ClockAnchor } from '../../clock.js';
import type { BatchOutcome } from '../ingest/batch-outcome.js';
import type { FaultSpec } from './fault-spec.js';

export interface IngestionConfig {
  readonly queueFile: string;
  readonly storeFile: string;
  /** false for --memory: the store skips fsync like the queue does. */
  readonly durable: boolean;
  /** Project tokens, their team ids and person-processing opt-outs, in the order given. */
  readonly projects: readonly {
    readonly token: string;
    readonly teamId: number;
    readonly personProcessingOptOut: boolean;
  }[];
  /** Most events read from the queue per store transaction (a request's row is never split). */
  readonly batchSize: number;
  /** How long to wait for more rows when a read came back short. */
  readonly lingerMs: number;
  readonly faults: FaultSpec;
  /** Event names drop-after-ack and duplicate never touch (ReferenceTargetOptions.spareFromFaults; a quota at capture still applies). */
  readonly spareFromFaults: readonly string[];
  /** The parent's clock anchor: created_at is on the same time base as the harness (clock.ts). */
  readonly clockAnchor: ClockAnchor;
}

/** What one committed batch did: counts, never the events themselves (the rest as in BatchOutcome). */
export interface BatchReport extends Pick<
  BatchOutcome,
  'ingested' | 'warnings' | 'personRowsRead' | 'personRowsWritten' | 'storeRowsWritten' | 'cpuMicros'
> {
  /** Queue row id now committed as the consumer offset. */
  readonly offset: number;
  readonly rows: number;
  readonly events: number;
  /** Of the events ingested, those processed as the other class than sent, by the rule that moved them. */
  readonly otherClass: { readonly forceUpgrade: number; readonly personProcessingOptOut: number };
  /** Dropped events by reason (BatchOutcome.dropped keys) and class. */
  readonly dropped: readonly {
    readonly reason: string;
    readonly eventClass: string;
    readonly count: number;
  }[];
  /** Faults this batch injected: events dropped after ack, events stored twice, events held. */
  readonly faults: { readonly dropAfterAck: number; readonly duplicate: number; readonly delay: number };
  /** The enqueue time (ms) of the batch's last row, for lag. */
  readonly lastEnqueuedAt: number;
}

export type ParentMessage =
  | { readonly type: 'start'; readonly config: IngestionConfig }
  | { readonly type: 'faults'; readonly faults: FaultSpec }
  | { readonly type: 'stop' };

export type ChildMessage =
  | { readonly type: 'ready'; readonly offset: number; readonly cpu: NodeJS.CpuUsage }
  | { readonly type: 'batch'; readonly report: BatchReport; readonly cpu: NodeJS.CpuUsage }
  | { readonly type: 'idle'; readonly cpu: NodeJS.CpuUsage }
  | { readonly type: 'stopped'; readonly cpu: NodeJS.CpuUsage };
