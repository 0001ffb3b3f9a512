// A real event store (the production DDL) holding rows the query tests know by heart, plus a
// way to send the handler a query the way the poller does.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Database from 'better-sqlite3';
import { openSqlite } from '../../../src/reference/store/sqlite.js';

import type { HttpRequest } from '../../../src/reference/http-types.js';
import type { HogQLParser } from '../../../src/reference/query/parse-hogql.js';
import type { QueryExecutor } from '../../../src/reference/query/query-handler.js';
import { runHogQL } from '../../../src/reference/query/run-hogql.js';
import { StatementCache } from '../../../src/reference/query/statement-cache.js';
import { STORE_DDL } from '../../../src/reference/store/schema.js';

export const PROJECT = 7;
export const OTHER_PROJECT = 8;
export const KEY = 'phx_reference_key_for_tests';
/** 2026-01-01T00:00:00Z */
export const T0 = Date.UTC(2026, 0, 1);

export interface FixtureEvent {
  readonly team?: number;
  readonly uuid: string;
  readonly event?: string;
  readonly distinctId?: string;
  readonly timestamp: number;
  readonly createdAt?: number;
  readonly insertedAt?: number;
  readonly properties?: Record<string, unknown>;
  readonly personId?: string;
  readonly personMode?: string;
  readonly personProperties?: Record<string, unknown>;
}

export function insertEvents(db: Database.Database, events: readonly FixtureEvent[]): void {
  const insert = db.prepare(
    'INSERT INTO events (team_id, uuid, event, distinct_id, timestamp, created_at, inserted_at, properties, ' +
      'person_id, person_mode, person_properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const e of events) {
      insert.run(
        e.team ?? PROJECT,
        e.uuid,
        e.event ?? '$pageview',
        e.distinctId ?? 'user-1',
        e.timestamp,
        e.createdAt ?? e.timestamp + 500,
        e.insertedAt ?? e.timestamp + 600,
        JSON.stringify(e.properties ?? {}),
        e.personId ?? '00000000-0000-0000-0000-00000000000a',
        e.personMode ?? 'full',
        JSON.stringify(e.personProperties ?? {}),
      );
    }
  })();
}

/** uuid for seq n: distinct, lower-case, sortable by n. */
export const uuidFor = (n: number): string => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * Run r1: 20 events one second apart from T0, seq 0..19, even seqs identified, odd anonymous.
 * Plus noise the queries must not see: run r2 in the same project, and r1 in another project.
 */
export function standardEvents(): FixtureEvent[] {
  const events: FixtureEvent[] = [];
  for (let seq = 0; seq < 20; seq += 1) {
    events.push({
      uuid: uuidFor(seq),
      timestamp: T0 + seq * 1000,
      distinctId: `user-${seq % 4}`,
      properties: {
        ingestbench_run: 'r1',
        ingestbench_seq: seq,
        ingestbench_class: seq % 2 === 0 ? 'identified' : 'anonymous',
        $browser: seq % 3 === 0 ? 'Firefox' : 'Chrome',
      },
      personMode: seq % 2 === 0 ? 'full' : 'propertyless',
      personProperties: seq % 2 === 0 ? { email: `user-${seq % 4}@example.com` } : {},
    });
  }
  events.push({
    uuid: uuidFor(100),
    timestamp: T0 + 5000,
    properties: { ingestbench_run: 'r2', ingestbench_seq: 0 },
  });
  events.push({
    team: OTHER_PROJECT,
    uuid: uuidFor(200),
    timestamp: T0 + 5000,
    properties: { ingestbench_run: 'r1', ingestbench_seq: 5 },
  });
  return events;
}

export function memoryStore(events: readonly FixtureEvent[] = standardEvents()): Database.Database {
  const db = openSqlite(':memory:');
  db.exec(STORE_DDL);
  insertEvents(db, events);
  return db;
}

/** A store in a temporary file, as the reference target runs it; `cleanup` closes and deletes it. */
export function fileStore(events: readonly FixtureEvent[] = standardEvents()): {
  db: Database.Database;
  readDb: Database.Database;
  file: string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-query-'));
  const file = join(dir, 'store.sqlite');
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.exec(STORE_DDL);
  insertEvents(db, events);
  const readDb = openSqlite(file, { readonly: true, fileMustExist: true });
  return {
    db,
    readDb,
    file,
    cleanup: () => {
      readDb.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Row count of every table, to prove a query changed nothing. */
export function tableCounts(db: Database.Database): Record<string, number> {
  const tables = db
    .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  return Object.fromEntries(
    tables.map((t) => [t, db.prepare<[], number>(`SELECT count(*) FROM "${t}"`).pluck().get() ?? -1]),
  );
}

export function queryRequest(
  hogql: string,
  options: {
    key?: string | null;
    project?: number | string;
    method?: string;
    body?: unknown;
    url?: string;
  } = {},
): HttpRequest {
  const key = options.key === undefined ? KEY : options.key;
  const body = options.body ?? { query: { kind: 'HogQLQuery', query: hogql }, refresh: 'force_blocking' };
  return {
    method: options.method ?? 'POST',
    url: options.url ?? `/api/projects/${options.project ?? PROJECT}/query/`,
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    remoteAddress: '127.0.0.1',
  };
}

/**
 * The query API's executor on this thread, on the given connection (the reference target runs
 * queries in worker threads); a refusal thrown while compiling becomes a rejection, as there.
 */
export function inProcessExecutor(db: Database.Database, parser: HogQLParser): QueryExecutor {
  const statements = new StatementCache(db);
  return (text, ctx) => new Promise((resolve) => resolve(runHogQL(statements, parser, text, ctx)));
}
