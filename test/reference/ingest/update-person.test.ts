// Identify, alias and merge through the batch processor, checked in the store's tables.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { personUuid } from '../../../src/reference/ingest/person-uuid.js';
import { anonymous, captured, TEAM_ID } from './captured-event-fixture.js';
import { storeFixture } from './store-fixture.js';

const identify = (distinctId: string, anonId: string, set: Record<string, unknown> = {}) =>
  captured({ event: '$identify', distinctId, properties: { $anon_distinct_id: anonId, $set: set } });

test('$identify after personless events: the anon id joins the person, which keeps the anon uuid', () => {
  const s = storeFixture();
  s.processor.process([anonymous({ distinctId: 'anon-1' }), anonymous({ distinctId: 'anon-1' })]);
  const outcome = s.processor.process([
    identify('user-1', 'anon-1', { email: 'a@example.com' }),
    captured({ distinctId: 'anon-1' }),
  ]);
  assert.equal(outcome.ingested.identified, 2);
  const persons = s.persons();
  assert.equal(persons.length, 1);
  const person = persons[0]!;
  assert.equal(person.is_identified, 1);
  assert.equal(person.properties['email'], 'a@example.com');
  assert.equal(s.personOf('user-1'), person.uuid);
  assert.equal(s.personOf('anon-1'), person.uuid);
  // The earlier personless events already carry this person's id: no override was needed.
  assert.equal(person.uuid, personUuid(TEAM_ID, 'anon-1'));
  const rows = s.events();
  assert.deepEqual(
    rows.map((r) => r.person_id),
    Array(4).fill(person.uuid),
  );
  assert.equal(s.db.prepare('SELECT count(*) FROM person_overrides').pluck().get(), 0);
  assert.equal(
    s.db.prepare("SELECT is_merged FROM personless_distinct_ids WHERE distinct_id = 'anon-1'").pluck().get(),
    1,
  );
});

test('$identify of two existing persons merges the anon person into the identified one', () => {
  const s = storeFixture();
  s.processor.process([
    captured({ distinctId: 'anon-2', properties: { $set: { theme: 'dark', name: 'anon' } } }),
    captured({ distinctId: 'user-2', properties: { $set: { name: 'Grace' } } }),
  ]);
  const [anonPerson, userPerson] = s.persons();
  const outcome = s.processor.process([identify('user-2', 'anon-2')]);
  assert.equal(outcome.mergesRefused.alreadyIdentified, 0);
  const persons = s.persons();
  assert.equal(persons.length, 1);
  assert.equal(persons[0]?.uuid, userPerson?.uuid);
  assert.deepEqual(
    { theme: persons[0]?.properties['theme'], name: persons[0]?.properties['name'] },
    { theme: 'dark', name: 'Grace' },
    "the identified person's properties win conflicts",
  );
  assert.equal(persons[0]?.is_identified, 1);
  assert.equal(s.personOf('anon-2'), userPerson?.uuid);
  const override = s.db.prepare('SELECT old_person_id, override_person_id FROM person_overrides').get();
  assert.deepEqual(override, { old_person_id: anonPerson?.uuid, override_person_id: userPerson?.uuid });
});

test('$create_alias adds the alias to the event person', () => {
  const s = storeFixture();
  s.processor.process([captured({ distinctId: 'user-3' })]);
  s.processor.process([
    captured({ event: '$create_alias', distinctId: 'user-3', properties: { alias: 'user-3@example.com' } }),
  ]);
  assert.equal(s.persons().length, 1);
  assert.equal(s.personOf('user-3@example.com'), s.personOf('user-3'));
  assert.equal(s.persons()[0]?.is_identified, 1);
});

test('merging an already identified person is refused, except by $merge_dangerously', () => {
  const s = storeFixture();
  s.processor.process([identify('p', 'p-anon'), identify('q', 'q-anon')]);
  assert.equal(s.persons().length, 2);
  const refused = captured({ event: '$identify', distinctId: 'p', properties: { $anon_distinct_id: 'q' } });
  const outcome = s.processor.process([refused]);
  assert.equal(outcome.mergesRefused.alreadyIdentified, 1);
  assert.deepEqual(outcome.warnings, { cannot_merge_already_identified: 1 });
  assert.equal(s.persons().length, 2);
  assert.notEqual(s.personOf('q'), s.personOf('p'));
  assert.equal(s.events().at(-1)?.person_id, s.personOf('p'), 'the event is still stored, on its own person');

  const dangerous = s.processor.process([
    captured({ event: '$merge_dangerously', distinctId: 'p', properties: { alias: 'q' } }),
  ]);
  assert.equal(dangerous.mergesRefused.alreadyIdentified, 0);
  assert.equal(s.persons().length, 1);
  assert.equal(s.personOf('q'), s.personOf('p'));
  assert.equal(s.personOf('q-anon'), s.personOf('p'));
});

test('illegal distinct ids are never merged; the event is still stored', () => {
  const s = storeFixture();
  const outcome = s.processor.process([identify('user-9', 'null'), identify('anonymous', 'anon-9')]);
  assert.equal(outcome.mergesRefused.illegalDistinctId, 2);
  assert.deepEqual(outcome.warnings, { cannot_merge_with_illegal_distinct_id: 2 });
  assert.equal(outcome.ingested.identified, 2);
  assert.equal(s.personOf('null'), undefined);
  assert.equal(s.personOf('anon-9'), undefined);
  const details = s.db
    .prepare('SELECT details FROM ingestion_warnings ORDER BY id')
    .pluck()
    .all()
    .map((d) => JSON.parse(d as string) as Record<string, unknown>);
  assert.deepEqual(
    details.map((d) => d['illegalDistinctId']),
    ['null', 'anonymous'],
  );
  // No merge attempt: the person is not marked identified.
  assert.equal(s.persons().find((p) => p.uuid === s.personOf('user-9'))?.is_identified, 0);
});

test('$groupidentify upserts the group; a non-object $group_set drops the event', () => {
  const s = storeFixture();
  const group = (set: unknown) =>
    captured({
      event: '$groupidentify',
      properties: { $group_type: 'company', $group_key: 'acme', $group_set: set },
    });
  s.processor.process([group({ name: 'Acme', size: 10 })]);
  s.processor.process([group({ size: 12, tier: 'gold' })]);
  const row = s.db
    .prepare('SELECT properties FROM groups WHERE team_id = ? AND group_type = ? AND group_key = ?')
    .pluck()
    .get(TEAM_ID, 'company', 'acme');
  assert.deepEqual(JSON.parse(row as string), { name: 'Acme', size: 12, tier: 'gold' });

  const outcome = s.processor.process([
    group('not an object'),
    captured({
      event: '$groupidentify',
      properties: { $group_type: 'company', $group_key: 'k'.repeat(401) },
    }),
  ]);
  assert.equal(outcome.dropped.invalid, 2);
  assert.deepEqual(outcome.warnings, { invalid_group_set: 1, group_key_too_long: 1 });
  assert.equal(s.events().length, 2);
});
