// `$groupidentify` for an event with person processing: upserts the group named by
// `$group_type` / `$group_key` with `$group_set`, merged key by key into what the group has (a
// changed value overwrites, as PostHog's calculateUpdate does by ingestion order). PostHog drops
// the event when the key is longer than 400 characters (`group_key_too_long`) or `$group_set` is
// not an object (`invalid_group_set`). Group types are kept by name: the reference target has no
// group type index and no five-types-per-project limit.

import type { StoreStatements } from '../store/store-statements.js';
import type { IngestionWarning } from './ingestion-warning.js';
import { isPlainObject, type NormalizedEvent } from './normalize-event.js';
import { postHogString } from './posthog-string.js';

export const MAX_GROUP_KEY_LENGTH = 400;

export type GroupCheck = { readonly ok: true } | { readonly ok: false; readonly warning: IngestionWarning };

/** Whether a $groupidentify event may be stored; other events always pass. */
export function checkGroupIdentify(ev: NormalizedEvent): GroupCheck {
  if (ev.event !== '$groupidentify') return { ok: true };
  const key = ev.properties['$group_key'];
  const details = { eventUuid: ev.captured.uuid, event: ev.event, distinctId: ev.distinctId };
  if (key !== undefined && key !== null && postHogString(key).length > MAX_GROUP_KEY_LENGTH) {
    return {
      ok: false,
      warning: {
        type: 'group_key_too_long',
        details: { ...details, groupKeyLength: postHogString(key).length, maxLength: MAX_GROUP_KEY_LENGTH },
      },
    };
  }
  const groupSet = ev.properties['$group_set'];
  if (groupSet !== undefined && groupSet !== null && !isPlainObject(groupSet)) {
    return {
      ok: false,
      warning: { type: 'invalid_group_set', details: { ...details, groupSetType: typeof groupSet } },
    };
  }
  return { ok: true };
}

/** Upserts the group; returns whether a row was written. */
export function upsertGroup(ev: NormalizedEvent, timestampMs: number, statements: StoreStatements): boolean {
  const type = ev.properties['$group_type'];
  const key = ev.properties['$group_key'];
  if (typeof type !== 'string' || type === '' || key === undefined || key === null || key === '')
    return false;
  const groupKey = postHogString(key);
  const groupSet = ev.properties['$group_set'];
  const updates = isPlainObject(groupSet) ? groupSet : {};
  const existing = statements.findGroup(ev.teamId, type, groupKey);
  if (existing === undefined) {
    statements.upsertGroup(ev.teamId, type, groupKey, JSON.stringify(updates), timestampMs);
    return true;
  }
  const properties = JSON.parse(existing.properties) as Record<string, unknown>;
  let changed = false;
  for (const name in updates) {
    if (!(name in properties) || properties[name] !== updates[name]) {
      properties[name] = updates[name];
      changed = true;
    }
  }
  if (changed)
    statements.upsertGroup(ev.teamId, type, groupKey, JSON.stringify(properties), existing.created_at);
  return changed;
}
