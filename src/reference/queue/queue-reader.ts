// The ingestion side of the durable queue: reads the rows after the consumer's committed offset,
// in id order, up to a batch size, stopping at the first row not yet due (the delay fault holds
// rows until enqueue time + delay; rows are appended in time order, so later ones are not due).

import { openSqlite } from '../store/sqlite.js';
import type { CapturedEvent } from '../captured-event.js';
import { QUEUE_DDL } from './durable-queue.js';
import { decodeQueueRow } from './queue-row.js';

export interface QueueRow {
  readonly id: number;
  readonly enqueuedAt: number;
  readonly events: readonly CapturedEvent[];
}

export interface ReadLimits {
  /** Stop adding rows once this many events are read (a row is never split). */
  readonly maxEvents: number;
  /** Only rows enqueued at or before this time (ms); Infinity for all. */
  readonly dueBy: number;
}

export interface QueueReader {
  readAfter(offset: number, limits: ReadLimits): QueueRow[];
  close(): void;
}

export function openQueueReader(file: string): QueueReader {
  const db = openSqlite(file);
  // The writer may not have created the table yet when a reader starts first (tests, restarts).
  db.pragma('journal_mode = WAL');
  db.exec(QUEUE_DDL);
  const select = db.prepare(
    'SELECT id, enqueued_at, event_count, events FROM queue WHERE id > ? ORDER BY id',
  );
  return {
    readAfter(offset, limits) {
      const rows: QueueRow[] = [];
      let events = 0;
      for (const raw of select.iterate(offset) as IterableIterator<RawRow>) {
        if (raw.enqueued_at > limits.dueBy) break;
        rows.push({ id: raw.id, enqueuedAt: raw.enqueued_at, events: decodeQueueRow(raw.events) });
        events += raw.event_count;
        if (events >= limits.maxEvents) break;
      }
      return rows;
    },
    close: () => db.close(),
  };
}

interface RawRow {
  readonly id: number;
  readonly enqueued_at: number;
  readonly event_count: number;
  readonly events: string;
}
