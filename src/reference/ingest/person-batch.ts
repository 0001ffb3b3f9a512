// The persons one batch touches, cached for the length of the batch so each is read at most once
// and each changed person is written once, at flush (PostHog's batch-writing person store does the
// same). Creations, distinct-id moves and merges are written at once, because later lookups in the
// same transaction and the distinct-id rows need their row ids. A merged-away person keeps a
// pointer to the person it went into, so stale cache entries resolve to the survivor.

import type { StoreStatements } from '../store/store-statements.js';
import { personUuid } from './person-uuid.js';

type Props = Record<string, unknown>;

export interface CachedPerson {
  readonly id: number;
  readonly teamId: number;
  readonly uuid: string;
  isIdentified: boolean;
  createdAt: number;
  version: number;
  /** Raw JSON until someone needs the object: personless lookups never do. */
  propertiesJson: string | null;
  props: Props | null;
  dirty: boolean;
  mergedInto: CachedPerson | null;
}

export interface PersonIo {
  personRowsRead: number;
  personRowsWritten: number;
}

export interface PersonBatch {
  find(teamId: number, distinctId: string): CachedPerson | undefined;
  create(
    teamId: number,
    distinctIds: readonly string[],
    properties: Props,
    isIdentified: boolean,
    createdAt: number,
  ): CachedPerson;
  addDistinctId(person: CachedPerson, distinctId: string): void;
  /** Moves `other`'s distinct ids to `into` and deletes `other`; the caller has set into's fields. */
  absorb(into: CachedPerson, other: CachedPerson): void;
  /** Marks a person changed: it is written once, at flush. */
  changed(person: CachedPerson): void;
  /** The changed persons not written yet, each once (a person merged away is not among them). */
  pendingWrites(): CachedPerson[];
  /** Writes one of pendingWrites' persons. */
  write(person: CachedPerson): void;
}

export function propertiesOf(person: CachedPerson): Props {
  if (person.props === null) {
    person.props = JSON.parse(person.propertiesJson ?? '{}') as Props;
    person.propertiesJson = null;
  }
  return person.props;
}

function resolve(person: CachedPerson): CachedPerson {
  let current = person;
  while (current.mergedInto !== null) current = current.mergedInto;
  return current;
}

export function createPersonBatch(statements: StoreStatements, io: PersonIo): PersonBatch {
  // undefined: not looked up yet; null: looked up, no person.
  const byDistinctId = new Map<string, CachedPerson | null>();
  const dirty = new Set<CachedPerson>();
  const key = (teamId: number, distinctId: string): string => `${teamId}\u0000${distinctId}`;
  const pendingWrites = (): CachedPerson[] => {
    const pending = [...dirty].filter((person) => person.mergedInto === null && person.dirty);
    dirty.clear();
    return pending;
  };
  const write = (person: CachedPerson): void => {
    person.version += 1;
    statements.updatePerson(
      person.id,
      JSON.stringify(propertiesOf(person)),
      person.isIdentified,
      person.createdAt,
      person.version,
    );
    person.dirty = false;
    io.personRowsWritten += 1;
  };

  return {
    find(teamId, distinctId) {
      const k = key(teamId, distinctId);
      const cached = byDistinctId.get(k);
      if (cached !== undefined) return cached === null ? undefined : resolve(cached);
      const row = statements.findPerson(teamId, distinctId);
      if (row === undefined) {
        byDistinctId.set(k, null);
        return undefined;
      }
      io.personRowsRead += 1;
      const person: CachedPerson = {
        id: row.id,
        teamId,
        uuid: row.uuid,
        isIdentified: row.is_identified === 1,
        createdAt: row.created_at,
        version: row.version,
        propertiesJson: row.properties,
        props: null,
        dirty: false,
        mergedInto: null,
      };
      byDistinctId.set(k, person);
      return person;
    },

    create(teamId, distinctIds, properties, isIdentified, createdAt) {
      const first = distinctIds[0];
      if (first === undefined) throw new Error('createPerson needs at least one distinct id');
      const uuid = personUuid(teamId, first);
      const id = statements.insertPerson(
        teamId,
        uuid,
        JSON.stringify(properties),
        isIdentified,
        createdAt,
        0,
      );
      const person: CachedPerson = {
        id,
        teamId,
        uuid,
        isIdentified,
        createdAt,
        version: 0,
        propertiesJson: null,
        props: properties,
        dirty: false,
        mergedInto: null,
      };
      io.personRowsWritten += 1;
      for (const distinctId of distinctIds) {
        statements.insertDistinctId(teamId, distinctId, id);
        byDistinctId.set(key(teamId, distinctId), person);
        io.personRowsWritten += 1;
      }
      return person;
    },

    addDistinctId(person, distinctId) {
      statements.insertDistinctId(person.teamId, distinctId, person.id);
      byDistinctId.set(key(person.teamId, distinctId), person);
      io.personRowsWritten += 1;
    },

    absorb(into, other) {
      io.personRowsWritten += statements.moveDistinctIds(other.id, into.id);
      statements.deletePerson(other.id);
      statements.addOverride(into.teamId, other.uuid, into.uuid);
      io.personRowsWritten += 2;
      other.mergedInto = into;
      dirty.delete(other);
      into.dirty = true;
      dirty.add(into);
    },

    changed(person) {
      person.dirty = true;
      dirty.add(person);
    },

    pendingWrites,
    write,
  };
}
