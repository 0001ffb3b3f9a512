// Applies one event's $set, $set_once and $unset to a person's properties, as PostHog's
// applyEventPropertyUpdates does: $set_once only where the key is missing, $set where the value
// differs (objects always differ: no deep compare), $unset removes keys. Returns whether the
// change is worth writing: for events other than person events, a change in a property PostHog
// copies from every event ($browser, utm_*, $geoip_*) updates the snapshot but not the row.

import { EVENT_TO_PERSON_PROPERTIES } from './person-property-sources.js';

type Props = Record<string, unknown>;

const PERSON_EVENTS: ReadonlySet<string> = new Set([
  '$identify',
  '$create_alias',
  '$merge_dangerously',
  '$set',
]);
// Processed by separate pipelines in PostHog, with no ordering against other person updates.
const NO_PERSON_UPDATE_EVENTS: ReadonlySet<string> = new Set(['$exception', '$$heatmap']);

export interface PersonUpdates {
  readonly event: string;
  readonly set: Readonly<Props>;
  readonly setOnce: Readonly<Props>;
  readonly unset: readonly string[];
}

export function applyPersonUpdates(properties: Props, updates: PersonUpdates): boolean {
  if (NO_PERSON_UPDATE_EVENTS.has(updates.event)) return false;
  const personEvent = PERSON_EVENTS.has(updates.event);
  let changed = false;
  for (const key in updates.setOnce) {
    if (properties[key] === undefined) {
      properties[key] = updates.setOnce[key];
      changed = true;
    }
  }
  for (const key in updates.set) {
    const value = updates.set[key];
    if (properties[key] === value) continue;
    if (
      properties[key] === undefined ||
      personEvent ||
      !(EVENT_TO_PERSON_PROPERTIES.has(key) || key.startsWith('$geoip_'))
    ) {
      changed = true;
    }
    properties[key] = value;
  }
  for (const key of updates.unset) {
    if (key in properties) {
      delete properties[key];
      changed = true;
    }
  }
  return changed;
}
