// Person processing for one identified event, following PostHog's PersonState:
// 1. `$identify` with `$anon_distinct_id`, or `$create_alias` / `$merge_dangerously` with `alias`,
//    merges the other distinct id into the event's distinct id:
//    - either id illegal (isDistinctIdIllegal): refused, `cannot_merge_with_illegal_distinct_id`;
//    - only one id has a person: the other id is added to it;
//    - neither has one: a person is created with both ids, its uuid from an id already used on
//      personless events when there is one (so those events need no override);
//    - both have persons: merged into the event's person, unless the other person is already
//      identified (refused, `cannot_merge_already_identified`) and the event is not
//      `$merge_dangerously`. Properties: the event's person wins conflicts; the older created_at
//      stays; the other person is deleted and its uuid overridden to the survivor.
//    A merge attempt marks the resulting person identified.
// 2. Otherwise the distinct id's person is fetched or created (with $set_once and $set).
// 3. $set / $set_once / $unset are applied; the person is written at the batch's flush.

import type { NormalizedEvent } from './normalize-event.js';
import { isDistinctIdIllegal } from './illegal-distinct-id.js';
import { applyPersonUpdates } from './apply-person-updates.js';
import { personUuid } from './person-uuid.js';
import { postHogString } from './posthog-string.js';
import { propertiesOf, type CachedPerson, type PersonBatch } from './person-batch.js';
import type { StoreStatements } from '../store/store-statements.js';

export type MergeRefusal = 'illegalDistinctId' | 'alreadyIdentified';

const REFUSAL_WARNINGS: Readonly<Record<MergeRefusal, string>> = {
  illegalDistinctId: 'cannot_merge_with_illegal_distinct_id',
  alreadyIdentified: 'cannot_merge_already_identified',
};

export interface PersonContext {
  readonly batch: PersonBatch;
  readonly statements: StoreStatements;
  warn(type: string, details: Record<string, unknown>): void;
}

export interface PersonOutcome {
  readonly person: CachedPerson;
  readonly refused: MergeRefusal | null;
}

export function updatePersonForEvent(
  ev: NormalizedEvent,
  timestampMs: number,
  ctx: PersonContext,
): PersonOutcome {
  const state = { updateIsIdentified: false, refused: null as MergeRefusal | null };
  const props = ev.properties;
  const otherIdKey =
    (ev.event === '$create_alias' || ev.event === '$merge_dangerously') && props['alias']
      ? 'alias'
      : ev.event === '$identify' && '$anon_distinct_id' in props
        ? '$anon_distinct_id'
        : null;
  let person =
    otherIdKey === null ? undefined : merge(postHogString(props[otherIdKey]), ev, timestampMs, ctx, state);

  if (person === undefined) {
    person = ctx.batch.find(ev.teamId, ev.distinctId);
    if (person === undefined) {
      const created = ctx.batch.create(
        ev.teamId,
        [ev.distinctId],
        initialProperties(ev),
        state.updateIsIdentified,
        timestampMs,
      );
      return { person: created, refused: state.refused };
    }
  }
  let changed = applyPersonUpdates(propertiesOf(person), ev);
  if (state.updateIsIdentified && !person.isIdentified) {
    person.isIdentified = true;
    changed = true;
  }
  if (changed) ctx.batch.changed(person);
  return { person, refused: state.refused };
}

function initialProperties(ev: NormalizedEvent): Record<string, unknown> {
  return { ...ev.setOnce, ...ev.set, $creator_event_uuid: ev.captured.uuid };
}

function merge(
  otherId: string,
  ev: NormalizedEvent,
  timestampMs: number,
  ctx: PersonContext,
  state: { updateIsIdentified: boolean; refused: MergeRefusal | null },
): CachedPerson | undefined {
  const intoId = ev.distinctId;
  // posthog-node aliases a user to itself when it sets properties: nothing to merge.
  if (otherId === intoId) return undefined;
  const refuse = (reason: MergeRefusal, details: Record<string, unknown>): void => {
    ctx.warn(REFUSAL_WARNINGS[reason], { ...details, eventUuid: ev.captured.uuid });
    state.refused = reason;
  };
  for (const [illegal, other] of [
    [intoId, otherId],
    [otherId, intoId],
  ] as const) {
    if (isDistinctIdIllegal(illegal)) {
      refuse('illegalDistinctId', { illegalDistinctId: illegal, otherDistinctId: other });
      return undefined;
    }
  }
  state.updateIsIdentified = true;
  const { batch, statements } = ctx;
  const teamId = ev.teamId;
  const otherPerson = batch.find(teamId, otherId);
  const intoPerson = batch.find(teamId, intoId);

  if ((otherPerson === undefined) !== (intoPerson === undefined)) {
    const [existing, idToAdd] = otherPerson !== undefined ? [otherPerson, intoId] : [intoPerson!, otherId];
    // Events sent personless under the added id carry its own uuid: point them at this person.
    if (statements.markPersonlessMerged(teamId, idToAdd, timestampMs)) {
      statements.addOverride(teamId, personUuid(teamId, idToAdd), existing.uuid);
    }
    batch.addDistinctId(existing, idToAdd);
    return existing;
  }

  if (otherPerson !== undefined && intoPerson !== undefined) {
    if (otherPerson.id === intoPerson.id) return intoPerson;
    if (ev.event !== '$merge_dangerously' && otherPerson.isIdentified) {
      refuse('alreadyIdentified', { sourcePersonDistinctId: otherId, targetPersonDistinctId: intoId });
      return intoPerson;
    }
    const merged = { ...propertiesOf(otherPerson), ...propertiesOf(intoPerson) };
    applyPersonUpdates(merged, ev);
    intoPerson.props = merged;
    intoPerson.createdAt = Math.min(intoPerson.createdAt, otherPerson.createdAt);
    intoPerson.isIdentified = true;
    // Max of both versions, so a later split can out-version anything the deleted person wrote.
    intoPerson.version = Math.max(intoPerson.version, otherPerson.version);
    batch.absorb(intoPerson, otherPerson);
    return intoPerson;
  }

  const intoWasPersonless = statements.markPersonlessMerged(teamId, intoId, timestampMs);
  const otherWasPersonless = statements.markPersonlessMerged(teamId, otherId, timestampMs);
  // The first id names the person (uuidv5): prefer one whose personless events already carry it.
  const ids = !intoWasPersonless && otherWasPersonless ? [otherId, intoId] : [intoId, otherId];
  const person = batch.create(teamId, ids, initialProperties(ev), true, timestampMs);
  if (intoWasPersonless && otherWasPersonless) {
    statements.addOverride(teamId, personUuid(teamId, ids[1]!), person.uuid);
  }
  return person;
}
