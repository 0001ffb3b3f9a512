// The reference target's durable queue: a SQLite file (WAL) with one row per capture request
// holding its events serialised. Capture acknowledges a request only after append() resolves,
// which is after the transaction holding its row committed (synchronous=FULL: fsynced).
//
// Group commit in two steps: appends arriving within one event-loop turn travel to the writer
// thread (queue-writer-thread.ts) as one group, and the writer commits all groups that arrived
// during its previous commit in one transaction, so an fsync is paid per commit, not per request,
// and never blocks the thread that parses requests. Reads (depth, lag) use a connection here.

import { Worker } from 'node:worker_threads';
import { debuglog } from 'node:util';
import type Database from 'better-sqlite3';
import { openSqlite } from '../store/sqlite.js';
import type { CapturedEvent } from '../captured-event.js';
import { IngestbenchError } from '../../errors.js';
import { encodeQueueRow } from './queue-row.js';
import type { FromWriter, QueueRowInput, QueueWriterConfig, ToWriter } from './queue-writer-protocol.js';

const debug = debuglog('ingestbench:queue');

export const QUEUE_DDL = `
CREATE TABLE IF NOT EXISTS queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  enqueued_at INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  events TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_event_counts ON queue (id, event_count);
`;
// AUTOINCREMENT on purpose: consumed rows are deleted, and plain rowids would be reused after the
// table empties, putting new rows below the consumer's committed offset (silently skipped).
// The (id, event_count) index lets the depth gauge sum the backlog without reading the events.

const WRITER_ENTRY = new URL('./queue-writer-thread.js', import.meta.url);

export interface DurableQueueOptions {
  /** false: synchronous=OFF, for --memory runs that promise no durability. */
  readonly durable: boolean;
  readonly now?: () => number;
}

export interface DurableQueue {
  /** Resolves once the events are committed to the queue file; rejects if the commit failed. */
  append(events: readonly CapturedEvent[]): Promise<void>;
  /** Events in rows after `offset` (a queue row id), e.g. the backlog at start. */
  eventsAfter(offset: number): number;
  /** Enqueue time (ms) of the first row after `offset`, or null when there is none. */
  oldestAfter(offset: number): number | null;
  /** Deletes rows the consumer has committed (id ≤ offset), in the writer thread. */
  truncateThrough(offset: number): void;
  /** Id of the last committed row (0 when the queue was never written). */
  lastId(): number;
  readonly stats: { readonly commits: number; readonly rows: number; readonly events: number };
  /** Commits what is pending, then closes the file and the writer thread. */
  close(): Promise<void>;
}

interface Pending {
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export async function openDurableQueue(file: string, options: DurableQueueOptions): Promise<DurableQueue> {
  const now = options.now ?? Date.now;
  const db = openQueueDb(file, options.durable);
  const sumAfter = db.prepare('SELECT COALESCE(SUM(event_count), 0) AS n FROM queue WHERE id > ?').pluck();
  const oldest = db.prepare('SELECT enqueued_at FROM queue WHERE id > ? ORDER BY id LIMIT 1').pluck();
  const config: QueueWriterConfig = { file, durable: options.durable };
  const writer = new Worker(WRITER_ENTRY, { workerData: { queueWriter: config } });
  const post = (message: ToWriter): void => writer.postMessage(message);

  // Groups sent and not yet committed, in send order (Map keeps insertion order).
  const inFlight = new Map<number, Pending[]>();
  let current: { rows: QueueRowInput[]; waiting: Pending[] } | null = null;
  let nextGroup = 0;
  let last = 0;
  let broken: IngestbenchError | null = null;
  let closing = false;
  const stats = { commits: 0, rows: 0, events: 0 };

  const failAll = (error: IngestbenchError): void => {
    broken ??= error;
    for (const waiting of inFlight.values()) for (const p of waiting) p.reject(error);
    inFlight.clear();
  };
  const sendCurrent = (): void => {
    const group = current;
    current = null;
    if (group === null) return;
    const id = nextGroup++;
    inFlight.set(id, group.waiting);
    post({ type: 'append', group: id, rows: group.rows });
  };

  const opened = new Promise<void>((resolve, reject) => {
    writer.once('error', reject);
    writer.once('message', (message: FromWriter) => {
      if (message.type === 'opened') last = message.lastId;
      writer.off('error', reject);
      resolve();
    });
  });
  await opened;
  const closed = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
  writer.on('message', (message: FromWriter) => {
    switch (message.type) {
      case 'committed':
        last = message.lastId;
        stats.commits++;
        for (const [id, waiting] of inFlight) {
          if (id > message.throughGroup) break;
          inFlight.delete(id);
          for (const p of waiting) {
            stats.rows++;
            stats.events += p.count;
            p.resolve();
          }
        }
        return;
      case 'failed': {
        debug('queue commit failed: %s', message.message);
        const error = new IngestbenchError(
          'INTERNAL',
          `Queue commit to ${file} failed (${message.message}); requests answered 503.`,
        );
        for (const id of message.groups) {
          for (const p of inFlight.get(id) ?? []) p.reject(error);
          inFlight.delete(id);
        }
        return;
      }
      case 'opened':
      case 'closed':
        return;
    }
  });
  writer.on('error', (error) => {
    debug('queue writer thread failed: %o', error);
    failAll(
      new IngestbenchError('INTERNAL', `The queue writer for ${file} failed: ${error.message}.`, {
        cause: error,
      }),
    );
  });
  writer.on('exit', () => {
    if (!closing)
      failAll(new IngestbenchError('INTERNAL', `The queue writer for ${file} exited unexpectedly.`));
  });

  return {
    append(events) {
      if (broken !== null) return Promise.reject(broken);
      if (closing) return Promise.reject(new IngestbenchError('INTERNAL', `Queue ${file} is closed.`));
      // Serialised here, once; the writer thread receives a string, the cheapest thing to copy.
      const row: QueueRowInput = { json: encodeQueueRow(events), count: events.length, enqueuedAt: now() };
      return new Promise<void>((resolve, reject) => {
        if (current === null) {
          current = { rows: [], waiting: [] };
          setImmediate(sendCurrent);
        }
        current.rows.push(row);
        current.waiting.push({ count: events.length, resolve, reject });
      });
    },
    eventsAfter: (offset) => Number(sumAfter.get(offset)),
    oldestAfter(offset) {
      const value = oldest.get(offset);
      return value === undefined ? null : Number(value);
    },
    truncateThrough(offset) {
      if (!closing) post({ type: 'truncate', through: offset });
    },
    lastId: () => last,
    stats,
    async close() {
      if (closing) return closed;
      closing = true;
      sendCurrent();
      post({ type: 'close' });
      await closed;
      failAll(new IngestbenchError('INTERNAL', `Queue ${file} closed before the append committed.`));
      db.close();
    },
  };
}

/** Opens (creating if needed) the queue file with its pragmas. */
export function openQueueDb(file: string, durable: boolean): Database.Database {
  const db = openSqlite(file);
  // Rows hold whole requests (tens of KiB): big pages mean fewer WAL frames and overflow pages
  // per commit (measured: a 1.6 MB commit with fsync 11.5 ms at 4 KiB pages, 7 ms at 64 KiB).
  // Only takes effect when the file is created.
  db.pragma('page_size = 65536');
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durable ? 'FULL' : 'OFF'}`);
  db.exec(QUEUE_DDL);
  return db;
}
