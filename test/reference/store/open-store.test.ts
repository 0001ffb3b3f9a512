import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IngestbenchError } from '../../../src/errors.js';
import { openStore } from '../../../src/reference/store/open-store.js';
import { EVENTS_COLUMNS } from '../../../src/reference/store/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a new store is in WAL mode with every table, and durable means synchronous FULL', () => {
  const quick = openStore(join(dir, 'quick.db'));
  assert.equal(quick.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(quick.pragma('synchronous', { simple: true }), 1); // NORMAL
  const tables = quick
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all();
  assert.deepEqual(tables, [
    'events',
    'groups',
    'ingestion_warnings',
    'person_distinct_ids',
    'person_overrides',
    'personless_distinct_ids',
    'persons',
  ]);
  const columns = quick.prepare("SELECT name FROM pragma_table_info('events')").pluck().all() as string[];
  for (const name of Object.keys(EVENTS_COLUMNS)) assert.ok(columns.includes(name), `events has ${name}`);
  quick.close();

  const durable = openStore(join(dir, 'durable.db'), { durable: true });
  assert.equal(durable.pragma('synchronous', { simple: true }), 2); // FULL
  durable.close();
});

test('opening twice keeps the data (the schema is applied idempotently)', () => {
  const file = join(dir, 'twice.db');
  const first = openStore(file);
  first.prepare("INSERT INTO persons (team_id, uuid, properties, created_at) VALUES (1, 'u', '{}', 0)").run();
  first.close();
  const second = openStore(file);
  assert.equal(second.prepare('SELECT count(*) FROM persons').pluck().get(), 1);
  second.close();
});

test('a readonly store refuses writes, and a missing file is a clear error', () => {
  const file = join(dir, 'ro.db');
  openStore(file).close();
  const reader = openStore(file, { readonly: true });
  assert.throws(
    () =>
      reader
        .prepare("INSERT INTO persons (team_id, uuid, properties, created_at) VALUES (1, 'u', '{}', 0)")
        .run(),
    /readonly/,
  );
  reader.close();
  assert.throws(
    () => openStore(join(dir, 'missing.db'), { readonly: true }),
    (error: unknown) =>
      error instanceof IngestbenchError &&
      error.code === 'TARGET_UNREACHABLE' &&
      error.message.includes('missing.db'),
  );
});
