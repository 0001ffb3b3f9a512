import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../../src/reference/store/sqlite.js';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import { openDurableQueue } from '../../../src/reference/queue/durable-queue.js';
import { openQueueReader } from '../../../src/reference/queue/queue-reader.js';
import { consumerOffset } from '../../../src/reference/queue/consumer-offset.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-queue-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const event = (name = 'page viewed'): CapturedEvent => ({
  uuid: `0190f0e0-0000-7000-8000-${(n++).toString(16).padStart(12, '0')}`,
  distinctId: 'user-1',
  token: 'phc_test',
  now: '2026-01-01T00:00:00.000Z',
  sentAt: null,
  ip: null,
  historicalMigration: false,
  data: { event: name, properties: { a: 1 } },
});
const events = (count: number): CapturedEvent[] => Array.from({ length: count }, () => event());

test('appends in one event-loop turn share one commit, one row per request', async () => {
  const file = join(dir, 'group.db');
  let clock = 1_000;
  const queue = await openDurableQueue(file, { durable: true, now: () => clock++ });
  await Promise.all([queue.append(events(3)), queue.append(events(2)), queue.append(events(5))]);
  assert.deepEqual({ ...queue.stats }, { commits: 1, rows: 3, events: 10 });
  await queue.append(events(1));
  assert.equal(queue.stats.commits, 2);
  assert.equal(queue.lastId(), 4);
  assert.equal(queue.eventsAfter(0), 11);
  assert.equal(queue.eventsAfter(2), 6);
  assert.equal(queue.oldestAfter(1), 1_001);
  assert.equal(queue.oldestAfter(4), null);
  await queue.close();
});

test('the reader returns rows after the offset in order, up to the batch size and the due time', async () => {
  const file = join(dir, 'read.db');
  let clock = 10_000;
  const queue = await openDurableQueue(file, { durable: false, now: () => clock });
  const written = [events(3), events(3), events(3)];
  for (const batch of written) {
    await queue.append(batch);
    clock += 100;
  }
  const reader = openQueueReader(file);
  const all = reader.readAfter(0, { maxEvents: 100, dueBy: Infinity });
  assert.deepEqual(
    all.map((r) => r.id),
    [1, 2, 3],
  );
  assert.deepEqual(
    all.flatMap((r) => r.events.map((e) => e.uuid)),
    written.flat().map((e) => e.uuid),
  );
  assert.deepEqual(all[1]?.events[0], written[1]?.[0], 'events round-trip intact');
  // A row is never split: 4 events asked, two rows of 3 read.
  assert.deepEqual(
    reader.readAfter(0, { maxEvents: 4, dueBy: Infinity }).map((r) => r.id),
    [1, 2],
  );
  assert.deepEqual(
    reader.readAfter(1, { maxEvents: 100, dueBy: Infinity }).map((r) => r.id),
    [2, 3],
  );
  // Rows enqueued after dueBy wait (the delay fault).
  assert.deepEqual(
    reader.readAfter(0, { maxEvents: 100, dueBy: 10_100 }).map((r) => r.id),
    [1, 2],
  );
  assert.deepEqual(reader.readAfter(3, { maxEvents: 100, dueBy: Infinity }), []);
  reader.close();
  await queue.close();
});

test('row ids never go back after consumed rows are deleted and the file reopened', async () => {
  const file = join(dir, 'truncate.db');
  const first = await openDurableQueue(file, { durable: true });
  await first.append(events(2));
  await first.append(events(2));
  first.truncateThrough(2);
  await first.close();
  const second = await openDurableQueue(file, { durable: true });
  assert.equal(second.eventsAfter(0), 0, 'consumed rows are gone');
  assert.equal(second.lastId(), 2, 'the last id survives the reopen');
  await second.append(events(1));
  assert.equal(second.lastId(), 3, 'a new row lands after the committed offset, never below it');
  await second.close();
});

test('appends pending at close are committed; appends after close reject', async () => {
  const file = join(dir, 'close.db');
  const queue = await openDurableQueue(file, { durable: true });
  const pending = queue.append(events(4));
  const closing = queue.close();
  await pending;
  await closing;
  await assert.rejects(queue.append(events(1)), /closed/);
  const reader = openQueueReader(file);
  assert.equal(reader.readAfter(0, { maxEvents: 10, dueBy: Infinity })[0]?.events.length, 4);
  reader.close();
});

test('the consumer offset starts at 0 and keeps the last value written', () => {
  const db = openSqlite(join(dir, 'store.db'));
  const offset = consumerOffset(db);
  assert.equal(offset.read(), 0);
  offset.write(41);
  offset.write(42);
  assert.equal(consumerOffset(db).read(), 42);
  assert.equal(consumerOffset(db, 'other').read(), 0);
  db.close();
});
