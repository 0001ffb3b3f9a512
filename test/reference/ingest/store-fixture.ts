// An in-memory store and a batch processor over it, with a clock the test drives.

import type Database from 'better-sqlite3';
import { openStore } from '../../../src/reference/store/open-store.js';
import {
  createBatchProcessor,
  type BatchProcessor,
  type ProjectDirectory,
} from '../../../src/reference/ingest/process-batch.js';
import { NOW_MS, projects } from './captured-event-fixture.js';

export interface StoreFixture {
  readonly db: Database.Database;
  readonly processor: BatchProcessor;
  /** The clock: each read returns the current value, then advances by 1 ms. */
  readonly clock: { now: number };
  events(): EventRowRead[];
  persons(): {
    id: number;
    uuid: string;
    properties: Record<string, unknown>;
    is_identified: number;
    created_at: number;
    version: number;
  }[];
  personOf(distinctId: string): string | undefined;
}

export interface EventRowRead {
  uuid: string;
  event: string;
  distinct_id: string;
  timestamp: number;
  created_at: number;
  inserted_at: number;
  properties: Record<string, unknown>;
  person_id: string;
  person_mode: string;
  person_properties: Record<string, unknown>;
}

export function storeFixture(file = ':memory:', directory: ProjectDirectory = projects): StoreFixture {
  const db = openStore(file);
  const clock = { now: NOW_MS + 1000 };
  const processor = createBatchProcessor(db, directory, () => clock.now++);
  return {
    db,
    processor,
    clock,
    events: () =>
      (db.prepare('SELECT * FROM events ORDER BY id').all() as Record<string, unknown>[]).map((row) => ({
        ...(row as unknown as EventRowRead),
        properties: JSON.parse(row['properties'] as string) as Record<string, unknown>,
        person_properties: JSON.parse(row['person_properties'] as string) as Record<string, unknown>,
      })),
    persons: () =>
      (db.prepare('SELECT * FROM persons ORDER BY id').all() as Record<string, unknown>[]).map((row) => ({
        id: row['id'] as number,
        uuid: row['uuid'] as string,
        properties: JSON.parse(row['properties'] as string) as Record<string, unknown>,
        is_identified: row['is_identified'] as number,
        created_at: row['created_at'] as number,
        version: row['version'] as number,
      })),
    personOf: (distinctId) =>
      db
        .prepare(
          'SELECT p.uuid FROM person_distinct_ids d JOIN persons p ON p.id = d.person_id WHERE d.distinct_id = ?',
        )
        .pluck()
        .get(distinctId) as string | undefined,
  };
}
