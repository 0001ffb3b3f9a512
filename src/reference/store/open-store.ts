// Opens the reference event store: one SQLite file in WAL mode, so the query side reads a
// consistent snapshot while the ingestion process writes, and applies the schema.

import type Database from 'better-sqlite3';
import { openSqlite } from './sqlite.js';

import { IngestbenchError } from '../../errors.js';
import { STORE_DDL } from './schema.js';

/** WAL pages (4 KiB each) between automatic checkpoints. */
export const WAL_CHECKPOINT_PAGES = 10_000;

export interface OpenStoreOptions {
  /** Open for queries only: no schema changes, no writes. */
  readonly readonly?: boolean;
  /**
   * Fsync every commit (synchronous=FULL) so a committed batch survives a power cut. Without it
   * (synchronous=NORMAL in WAL) a commit survives a process crash, which is what the reference
   * target's crash-and-restart fault needs, and costs far less per batch.
   */
  readonly durable?: boolean;
}

export function openStore(file: string, options: OpenStoreOptions = {}): Database.Database {
  const readonly = options.readonly ?? false;
  let db: Database.Database;
  try {
    db = openSqlite(file, { readonly, fileMustExist: readonly });
  } catch (error) {
    throw new IngestbenchError(
      'TARGET_UNREACHABLE',
      `cannot open the reference event store at ${file}: ${(error as Error).message}. ` +
        (readonly
          ? 'Start the ingestion side first, it creates the file.'
          : 'Check the directory exists and is writable.'),
      { cause: error },
    );
  }
  // A reader and the writer share the file: wait for a lock rather than failing at once.
  db.pragma('busy_timeout = 5000');
  if (readonly) return db;
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durable === true ? 'FULL' : 'NORMAL'}`);
  // Person lookups and the events index stay hot in the page cache (negative = KiB).
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  // Checkpoints (copying the WAL into the database file, with fsyncs) were most of the commit cost
  // at SQLite's default of 1000 pages; every ~40 MB instead costs a tenth of the fsyncs for the
  // same bytes. Readers are unaffected: they read through the WAL.
  db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  db.exec(STORE_DDL);
  return db;
}
