// The durable queue's writer, in a worker thread: better-sqlite3 is synchronous, and a commit
// with synchronous=FULL waits for fsync, which on the main thread would stall every connection.
// Here the wait overlaps with capture parsing the next requests; groups that arrive meanwhile
// share the next transaction (group commit).

import { parentPort, workerData } from 'node:worker_threads';
import { openQueueDb } from './durable-queue.js';
import type { FromWriter, QueueRowInput, QueueWriterConfig, ToWriter } from './queue-writer-protocol.js';

function runWriter(port: NonNullable<typeof parentPort>, config: QueueWriterConfig): void {
  const db = openQueueDb(config.file, config.durable);
  const insert = db.prepare('INSERT INTO queue (enqueued_at, event_count, events) VALUES (?, ?, ?)');
  const truncate = db.prepare('DELETE FROM queue WHERE id <= ?');
  const maxId = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'queue'").pluck();
  const writeGroups = db.transaction((groups: readonly (readonly QueueRowInput[])[]) => {
    for (const rows of groups) for (const r of rows) insert.run(r.enqueuedAt, r.count, r.json);
  });
  const post = (message: FromWriter): void => port.postMessage(message);

  let pending: { group: number; rows: readonly QueueRowInput[] }[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    const last = batch.at(-1);
    if (last === undefined) return;
    try {
      writeGroups(batch.map((b) => b.rows));
    } catch (error) {
      post({ type: 'failed', groups: batch.map((b) => b.group), message: (error as Error).message });
      return;
    }
    post({ type: 'committed', throughGroup: last.group, lastId: Number(maxId.get()) });
  };

  port.on('message', (message: ToWriter) => {
    switch (message.type) {
      case 'append':
        pending.push({ group: message.group, rows: message.rows });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
        return;
      case 'truncate':
        flush();
        truncate.run(message.through);
        return;
      case 'close':
        flush();
        db.close();
        post({ type: 'closed' });
        port.close();
        return;
    }
  });
  post({ type: 'opened', lastId: Number(maxId.get()) });
}

if (
  parentPort !== null &&
  (workerData as { queueWriter?: QueueWriterConfig } | null)?.queueWriter !== undefined
) {
  runWriter(parentPort, (workerData as { queueWriter: QueueWriterConfig }).queueWriter);
}
