// Every statement ingestion runs against the store, prepared once per connection. The ingest core
// calls these and never builds SQL itself, so the schema and its queries stay side by side.

import type Database from 'better-sqlite3';

export interface PersonRow {
  readonly id: number;
  readonly uuid: string;
  readonly properties: string;
  readonly is_identified: number;
  readonly created_at: number;
  readonly version: number;
}

export interface GroupRow {
  readonly properties: string;
  readonly created_at: number;
}

/**
 * One `events` row but for inserted_at, which is the batch's write time and known only when the
 * batch is written (positional values are the fastest to bind).
 */
export type EventRow = readonly [
  teamId: number,
  uuid: string,
  event: string,
  distinctId: string,
  timestamp: number,
  createdAt: number,
  properties: string,
  personId: string,
  personMode: PersonMode,
  personProperties: string,
];

/** PostHog's events.person_mode values. */
export type PersonMode = 'full' | 'propertyless' | 'force_upgrade';

/** The statements with typed arguments; `prepareStoreStatements` is their one definition. */
export type StoreStatements = ReturnType<typeof prepareStoreStatements>;

export function prepareStoreStatements(db: Database.Database) {
  const findPerson = db.prepare<[number, string], PersonRow>(
    'SELECT p.id, p.uuid, p.properties, p.is_identified, p.created_at, p.version FROM person_distinct_ids d ' +
      'JOIN persons p ON p.id = d.person_id WHERE d.team_id = ? AND d.distinct_id = ?',
  );
  const insertPerson = db.prepare(
    'INSERT INTO persons (team_id, uuid, properties, is_identified, created_at, version) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const updatePerson = db.prepare(
    'UPDATE persons SET properties = ?, is_identified = ?, created_at = ?, version = ? WHERE id = ?',
  );
  const deletePerson = db.prepare('DELETE FROM persons WHERE id = ?');
  const insertDistinctId = db.prepare(
    'INSERT INTO person_distinct_ids (team_id, distinct_id, person_id) VALUES (?, ?, ?) ' +
      'ON CONFLICT (team_id, distinct_id) DO UPDATE SET person_id = excluded.person_id',
  );
  const moveDistinctIds = db.prepare('UPDATE person_distinct_ids SET person_id = ? WHERE person_id = ?');
  const personlessKnown = db
    .prepare<[number, string], number>(
      'SELECT 1 FROM personless_distinct_ids WHERE team_id = ? AND distinct_id = ?',
    )
    .pluck();
  const markPersonless = db.prepare(
    'INSERT OR IGNORE INTO personless_distinct_ids (team_id, distinct_id, is_merged, created_at) VALUES (?, ?, 0, ?)',
  );
  const markMerged = db.prepare(
    'INSERT INTO personless_distinct_ids (team_id, distinct_id, is_merged, created_at) VALUES (?, ?, 1, ?) ' +
      'ON CONFLICT (team_id, distinct_id) DO UPDATE SET is_merged = 1',
  );
  const insertOverride = db.prepare(
    'INSERT INTO person_overrides (team_id, old_person_id, override_person_id) VALUES (?, ?, ?) ' +
      'ON CONFLICT (team_id, old_person_id) DO UPDATE SET override_person_id = excluded.override_person_id',
  );
  const repointOverrides = db.prepare(
    'UPDATE person_overrides SET override_person_id = ? WHERE team_id = ? AND override_person_id = ?',
  );
  const findGroup = db.prepare<[number, string, string], GroupRow>(
    'SELECT properties, created_at FROM groups WHERE team_id = ? AND group_type = ? AND group_key = ?',
  );
  const upsertGroup = db.prepare(
    'INSERT INTO groups (team_id, group_type, group_key, properties, created_at) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (team_id, group_type, group_key) DO UPDATE SET properties = excluded.properties',
  );
  const insertWarning = db.prepare(
    'INSERT INTO ingestion_warnings (team_id, type, event_uuid, details, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertEvent = db.prepare(
    'INSERT INTO events (team_id, uuid, event, distinct_id, timestamp, created_at, inserted_at, properties, ' +
      'person_id, person_mode, person_properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );

  return {
    findPerson: (teamId: number, distinctId: string): PersonRow | undefined =>
      findPerson.get(teamId, distinctId),
    insertPerson: (
      teamId: number,
      uuid: string,
      properties: string,
      isIdentified: boolean,
      createdAt: number,
      version: number,
    ): number =>
      Number(
        insertPerson.run(teamId, uuid, properties, isIdentified ? 1 : 0, createdAt, version).lastInsertRowid,
      ),
    updatePerson(
      id: number,
      properties: string,
      isIdentified: boolean,
      createdAt: number,
      version: number,
    ): void {
      updatePerson.run(properties, isIdentified ? 1 : 0, createdAt, version, id);
    },
    deletePerson(id: number): void {
      deletePerson.run(id);
    },
    insertDistinctId(teamId: number, distinctId: string, personId: number): void {
      insertDistinctId.run(teamId, distinctId, personId);
    },
    /** Moves every distinct id of one person to another; returns how many moved. */
    moveDistinctIds: (fromPersonId: number, toPersonId: number): number =>
      moveDistinctIds.run(toPersonId, fromPersonId).changes,
    /** Records a distinct id used on a personless event; true when the row is new. */
    markPersonless: (teamId: number, distinctId: string, createdAt: number): boolean =>
      markPersonless.run(teamId, distinctId, createdAt).changes > 0,
    /** Marks the distinct id as merged; true when it had been used personless before. */
    markPersonlessMerged(teamId: number, distinctId: string, createdAt: number): boolean {
      const known = personlessKnown.get(teamId, distinctId) !== undefined;
      markMerged.run(teamId, distinctId, createdAt);
      return known;
    },
    /** Points events of `oldPersonId` at `overridePersonId`, and re-points overrides that led to the old one. */
    addOverride(teamId: number, oldPersonId: string, overridePersonId: string): void {
      repointOverrides.run(overridePersonId, teamId, oldPersonId);
      insertOverride.run(teamId, oldPersonId, overridePersonId);
    },
    findGroup: (teamId: number, groupType: string, groupKey: string): GroupRow | undefined =>
      findGroup.get(teamId, groupType, groupKey),
    upsertGroup(
      teamId: number,
      groupType: string,
      groupKey: string,
      properties: string,
      createdAt: number,
    ): void {
      upsertGroup.run(teamId, groupType, groupKey, properties, createdAt);
    },
    insertWarning(
      teamId: number,
      type: string,
      eventUuid: string | null,
      details: string,
      createdAt: number,
    ): void {
      insertWarning.run(teamId, type, eventUuid, details, createdAt);
    },
    insertEvent(r: EventRow, insertedAt: number): void {
      insertEvent.run(r[0], r[1], r[2], r[3], r[4], r[5], insertedAt, r[6], r[7], r[8], r[9]);
    },
  };
}
