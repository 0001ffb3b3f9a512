// The ingestion consumer's committed offset (the last queue row id it stored), kept in the event
// store itself so it commits in the same transaction as the rows it covers: after any crash the
// store and the offset agree, so nothing is ingested twice and nothing acknowledged is skipped.

import type Database from 'better-sqlite3';

const OFFSET_DDL = `
CREATE TABLE IF NOT EXISTS ingestbench_consumer_offset (
  consumer TEXT PRIMARY KEY,
  queue_id INTEGER NOT NULL
) WITHOUT ROWID;
`;

export const INGESTION_CONSUMER = 'ingestion';

export interface ConsumerOffset {
  read(): number;
  write(queueId: number): void;
}

export function consumerOffset(db: Database.Database, consumer: string = INGESTION_CONSUMER): ConsumerOffset {
  db.exec(OFFSET_DDL);
  const select = db.prepare('SELECT queue_id FROM ingestbench_consumer_offset WHERE consumer = ?').pluck();
  const upsert = db.prepare(
    'INSERT INTO ingestbench_consumer_offset (consumer, queue_id) VALUES (?, ?) ' +
      'ON CONFLICT (consumer) DO UPDATE SET queue_id = excluded.queue_id',
  );
  return {
    read: () => Number(select.get(consumer) ?? 0),
    write(queueId) {
      upsert.run(consumer, queueId);
    },
  };
}
