import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IngestbenchError } from '../../../src/errors.js';
import { openStore } from '../../../src/reference/store/open-store.js';
import { personUuid } from '../../../src/reference/ingest/person-uuid.js';
import { anonymous, captured, NOW_MS, projects, TEAM_ID } from './captured-event-fixture.js';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import { storeFixture, type StoreFixture } from './store-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-ingest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('personless events get the v5 person id, propertyless mode, no person row; identified ones a person', () => {
  const s = storeFixture();
  const outcome = s.processor.process([
    anonymous({ distinctId: 'anon-1', properties: { $set: { a: 1 }, plan: 'free' } }),
    captured({ distinctId: 'user-1', properties: { $set: { name: 'Ada' } } }),
  ]);
  assert.deepEqual(outcome.ingested, { anonymous: 1, identified: 1 });
  const [anon, ident] = s.events();
  assert.equal(anon?.person_id, personUuid(TEAM_ID, 'anon-1'));
  assert.equal(anon?.person_mode, 'propertyless');
  assert.deepEqual(anon?.person_properties, {});
  assert.deepEqual(anon?.properties, { $process_person_profile: false, plan: 'free' });
  assert.equal(s.personOf('anon-1'), undefined);

  const persons = s.persons();
  assert.equal(persons.length, 1);
  assert.equal(persons[0]?.uuid, personUuid(TEAM_ID, 'user-1'));
  assert.equal(ident?.person_id, persons[0]?.uuid);
  assert.equal(ident?.person_mode, 'full');
  assert.equal(ident?.person_properties['name'], 'Ada');
  assert.equal(persons[0]?.properties['name'], 'Ada');
  assert.equal(persons[0]?.properties['$creator_event_uuid'], ident?.uuid);
  assert.equal(outcome.storeRowsWritten, 2);
});

test('$set, $set_once and $unset build the person; each event carries the person after it', () => {
  const s = storeFixture();
  const outcome = s.processor.process([
    captured({
      event: 'signed up',
      properties: { $set: { plan: 'free', temp: true }, $set_once: { first_seen: 'mon' } },
    }),
    captured({ event: 'upgraded', properties: { $set: { plan: 'pro' }, $set_once: { first_seen: 'tue' } } }),
    captured({ event: 'cleaned', properties: { $unset: ['temp'] } }),
  ]);
  const [e1, e2, e3] = s.events();
  assert.equal(e1?.person_properties['plan'], 'free');
  assert.equal(e2?.person_properties['plan'], 'pro');
  assert.equal(e2?.person_properties['first_seen'], 'mon');
  assert.equal(e2?.person_properties['temp'], true);
  assert.equal('temp' in (e3?.person_properties ?? {}), false);
  const [person] = s.persons();
  assert.equal(person?.properties['plan'], 'pro');
  assert.equal(person?.properties['first_seen'], 'mon');
  assert.equal('temp' in (person?.properties ?? {}), false);
  // One person insert + one distinct id at creation, then the changed person written once at flush.
  assert.equal(outcome.personRowsWritten, 3);
  assert.equal(person?.version, 1);

  const next = s.processor.process([captured({ event: 'renamed', properties: { $set: { plan: 'team' } } })]);
  assert.equal(next.personRowsRead, 1);
  assert.equal(next.personRowsWritten, 1);
  assert.equal(s.persons()[0]?.properties['plan'], 'team');
  assert.equal(s.persons()[0]?.version, 2);
});

test('unknown tokens are dropped; drop and duplicate faults are counted and done', () => {
  const s = storeFixture();
  const dropMe = captured({ distinctId: 'd1' });
  const twice = anonymous({ distinctId: 'd2' });
  const outcome = s.processor.process(
    [captured({ token: 'phc_nobody' }), dropMe, twice, captured({ distinctId: 'd3' })],
    {
      drop: (e) => e === dropMe,
      duplicate: (e) => e === twice,
    },
  );
  assert.equal(outcome.dropped.unknownToken, 1);
  assert.equal(outcome.dropped.fault, 1);
  assert.equal(outcome.duplicated, 1);
  assert.deepEqual(outcome.ingested, { anonymous: 1, identified: 1 });
  assert.equal(outcome.storeRowsWritten, 3);
  const rows = s.events();
  assert.deepEqual(
    rows.map((r) => r.distinct_id),
    ['d2', 'd2', 'd3'],
  );
  assert.equal(rows[0]?.uuid, twice.uuid);
  assert.equal(rows[1]?.uuid, twice.uuid);
  assert.equal(s.personOf('d1'), undefined);
});

test('personless person events are dropped with a stored ingestion warning', () => {
  const s = storeFixture();
  const refused = anonymous({
    event: '$identify',
    distinctId: 'user-1',
    properties: { $anon_distinct_id: 'anon-1' },
  });
  const outcome = s.processor.process([refused, anonymous({ event: '$groupidentify' })]);
  assert.equal(outcome.dropped.personlessPersonEvent, 2);
  assert.deepEqual(outcome.warnings, { invalid_event_when_process_person_profile_is_false: 2 });
  assert.equal(s.events().length, 0);
  const warning = s.db
    .prepare('SELECT team_id, type, event_uuid, details FROM ingestion_warnings ORDER BY id')
    .get() as Record<string, unknown>;
  assert.equal(warning['team_id'], TEAM_ID);
  assert.equal(warning['type'], 'invalid_event_when_process_person_profile_is_false');
  assert.equal(warning['event_uuid'], refused.uuid);
  assert.equal((JSON.parse(warning['details'] as string) as Record<string, unknown>)['event'], '$identify');
  assert.equal(s.persons().length, 0);
});

test('timestamps follow the sent_at rule; created_at is processing time, inserted_at the write time', () => {
  const s = storeFixture();
  const skewed = {
    ...captured({ extra: { timestamp: '2026-01-02T03:04:00.000Z' } }),
    sentAt: '2026-01-02T03:04:10.000Z',
  };
  const plain = anonymous({ extra: { timestamp: '2025-12-31T00:00:00.000Z' } });
  const offset = anonymous({ extra: { offset: 1500 } });
  const clockBefore = s.clock.now;
  const outcome = s.processor.process([skewed, plain, offset]);
  const byUuid = new Map(s.events().map((r) => [r.uuid, r]));
  assert.equal(byUuid.get(skewed.uuid)?.timestamp, NOW_MS - 10_000);
  assert.equal(byUuid.get(plain.uuid)?.timestamp, Date.parse('2025-12-31T00:00:00.000Z'));
  assert.equal(byUuid.get(offset.uuid)?.timestamp, NOW_MS - 1500);
  const rows = [...byUuid.values()];
  const insertedAt = rows[0]!.inserted_at;
  for (const row of rows) {
    assert.ok(
      row.created_at >= clockBefore && row.created_at < insertedAt,
      'created_at comes from the clock, before the write',
    );
    assert.equal(row.inserted_at, insertedAt, 'one write time per batch');
  }
  assert.ok(outcome.committedAt > insertedAt);
});

test('all rows of a batch become visible at commit, with what inTransaction wrote', () => {
  const file = join(dir, 'atomic.db');
  const s = storeFixture(file);
  s.db.exec('CREATE TABLE offsets (n INTEGER)');
  const reader = openStore(file, { readonly: true });
  const countRows = reader.prepare('SELECT count(*) FROM events').pluck();
  let seenInside = -1;
  const batch = Array.from({ length: 50 }, (_, i) =>
    i % 2 === 0 ? anonymous({ distinctId: `a${i}` }) : captured({ distinctId: `u${i}` }),
  );
  const outcome = s.processor.process(batch, {
    inTransaction: (db) => {
      seenInside = countRows.get() as number;
      db.prepare('INSERT INTO offsets VALUES (42)').run();
    },
  });
  assert.equal(seenInside, 0, 'a reader sees none of the batch before commit');
  assert.equal(countRows.get(), 50);
  assert.equal(reader.prepare('SELECT n FROM offsets').pluck().get(), 42);
  assert.equal(outcome.storeRowsWritten, 50);

  // A failure inside the transaction rolls everything back, persons included.
  assert.throws(
    () =>
      s.processor.process([captured({ distinctId: 'late' })], {
        inTransaction: () => {
          throw new Error('disk full');
        },
      }),
    (error: unknown) =>
      error instanceof IngestbenchError && error.code === 'INTERNAL' && /rolled back/.test(error.message),
  );
  assert.equal(countRows.get(), 50);
  assert.equal(s.personOf('late'), undefined);
  reader.close();
  s.db.close();
});

test('cpuMicros is measured for each class present and zero for an absent one', () => {
  const s = storeFixture();
  const both = s.processor.process([
    ...Array.from({ length: 300 }, (_, i) => anonymous({ distinctId: `a${i}`, properties: { n: i } })),
    ...Array.from({ length: 300 }, (_, i) =>
      captured({ distinctId: `u${i}`, properties: { $set: { n: i } } }),
    ),
  ]);
  assert.ok(both.cpuMicros.anonymous > 0);
  assert.ok(both.cpuMicros.identified > 0);
  const onlyAnonymous = s.processor.process(Array.from({ length: 50 }, () => anonymous()));
  assert.ok(onlyAnonymous.cpuMicros.anonymous > 0);
  assert.equal(onlyAnonymous.cpuMicros.identified, 0);
});

test('a personless event of a distinct id with a person uses its uuid, force_upgrade once a minute after creation', () => {
  const s = storeFixture();
  s.processor.process([
    captured({
      distinctId: 'known',
      properties: { $set: { plan: 'pro' } },
      extra: { timestamp: '2026-01-02T03:00:00.000Z' },
    }),
  ]);
  const person = s.persons()[0]!;
  const soon = anonymous({ distinctId: 'known', extra: { timestamp: '2026-01-02T03:00:30.000Z' } });
  const later = anonymous({
    distinctId: 'known',
    properties: { $set: { plan: 'free' }, $set_once: { first: 'x' } },
    extra: { timestamp: '2026-01-02T03:02:00.000Z' },
  });
  const outcome = s.processor.process([soon, later]);
  assert.equal(outcome.personRowsRead, 1);
  const rows = new Map(s.events().map((r) => [r.uuid, r]));
  assert.equal(rows.get(soon.uuid)?.person_id, person.uuid);
  assert.equal(rows.get(soon.uuid)?.person_mode, 'propertyless');
  assert.deepEqual(rows.get(soon.uuid)?.person_properties, {});
  // Upgraded: written as a person event, carrying its person's properties.
  assert.equal(rows.get(later.uuid)?.person_id, person.uuid);
  assert.equal(rows.get(later.uuid)?.person_mode, 'force_upgrade');
  assert.deepEqual(rows.get(later.uuid)?.person_properties, person.properties);
  // Its own $set/$set_once were stripped when it was normalized personless, before PostHog's
  // personless step found the person (normalize → personless → process-persons): not applied.
  assert.equal(s.persons()[0]?.properties['plan'], 'pro');
  assert.equal('first' in (s.persons()[0]?.properties ?? {}), false);
  assert.equal('$set' in (rows.get(later.uuid)?.properties ?? {}), false);
  // Processed (and so charged) as identified, as PostHog processes and bills it.
  assert.deepEqual(outcome.ingested, { anonymous: 1, identified: 1 });
  assert.equal(outcome.forceUpgraded, 1);
  assert.ok(outcome.cpuMicros.identified > 0, 'the upgraded event costs identified CPU');
});

test('a project that opted out of person processing: every event personless, none force-upgraded', () => {
  // The team opts out after one of its users got a person (an hour before the batch below).
  const fixtures = [false, true].map((optsOut) => {
    let optedOut = false;
    const s = storeFixture(':memory:', { ...projects, personProcessingOptOut: () => optedOut });
    s.processor.process([
      captured({
        distinctId: 'known',
        properties: { $set: { plan: 'pro' } },
        extra: { timestamp: '2026-01-02T02:00:00.000Z' },
      }),
    ]);
    optedOut = optsOut;
    return s;
  });
  const [optedIn, optedOut] = fixtures as [StoreFixture, StoreFixture];
  const uuid = (n: number): string => `00000000-0000-4000-8000-00000000000${n}`;
  const batch = (): CapturedEvent[] => [
    captured({ uuid: uuid(1), distinctId: 'new-user', properties: { $set: { name: 'Ada' } } }),
    anonymous({ uuid: uuid(2), distinctId: 'known' }),
    captured({
      uuid: uuid(3),
      event: '$identify',
      distinctId: 'new-user',
      properties: { $anon_distinct_id: 'x' },
    }),
  ];
  const inOutcome = optedIn.processor.process(batch());
  assert.deepEqual(
    inOutcome.ingested,
    { anonymous: 0, identified: 3 },
    'opted in: two person events, one upgraded',
  );
  assert.equal(inOutcome.forceUpgraded, 1);

  const outOutcome = optedOut.processor.process(batch());
  assert.deepEqual(outOutcome.ingested, { anonymous: 2, identified: 0 });
  assert.equal(outOutcome.forceUpgraded, 0);
  assert.equal(outOutcome.personProcessingOptedOut, 1, 'the event sent as a person event');
  assert.equal(outOutcome.dropped.personProcessingDisabled, 1, 'the $identify');
  assert.equal(outOutcome.warnings['event_dropped_person_processing_disabled'], 1);
  const rows = new Map(optedOut.events().map((r) => [r.uuid, r]));
  const sentIdentified = rows.get(uuid(1));
  assert.equal(sentIdentified?.person_mode, 'propertyless');
  assert.equal(sentIdentified?.person_id, personUuid(TEAM_ID, 'new-user'));
  assert.deepEqual(
    sentIdentified?.properties,
    { $process_person_profile: false },
    '$set stripped, flag stamped',
  );
  const known = rows.get(uuid(2));
  assert.equal(known?.person_mode, 'propertyless', 'never force-upgraded');
  assert.equal(known?.person_id, optedOut.persons()[0]?.uuid, "the existing person's uuid");
  assert.equal(optedOut.personOf('new-user'), undefined, 'no person created');
  assert.equal(optedOut.persons().length, 1);
  assert.equal(optedOut.persons()[0]?.properties['plan'], 'pro');
});

test('a merge sets the surviving person’s version to max(both) + 1, as PostHog does', () => {
  const s = storeFixture();
  for (const plan of ['a', 'b', 'c'])
    s.processor.process([captured({ distinctId: 'anon-1', properties: { $set: { plan } } })]);
  s.processor.process([captured({ distinctId: 'user-1' })]);
  const versions = new Map(
    s.persons().map((p) => [p.properties['plan'] === undefined ? 'user' : 'anon', p.version]),
  );
  // Created at version 0; each later batch that changes a person adds 1.
  assert.deepEqual([versions.get('anon'), versions.get('user')], [2, 0]);
  s.processor.process([
    captured({ event: '$identify', distinctId: 'user-1', properties: { $anon_distinct_id: 'anon-1' } }),
  ]);
  const [merged, ...rest] = s.persons();
  assert.equal(rest.length, 0, 'one person left');
  assert.equal(merged?.version, 3);
  assert.equal(merged?.properties['plan'], 'c');
});
