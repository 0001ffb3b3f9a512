// First step of ingestion for one captured event, before any person work: decides whether the
// event gets person processing, and shapes its properties the way PostHog's normalizeEvent and
// normalizeProcessPerson do:
// - top-level `$set` / `$set_once` are merged into `properties.$set` / `properties.$set_once`
//   (PostHog reads `$unset` only from properties);
// - `$ip` from capture when the event has none, `$sent_at` when the request had one;
// - person events get the event-to-person properties ($browser, utm_*, …) added to $set/$set_once;
// - personless events (`properties.$process_person_profile === false`, JSON boolean) lose
//   $set/$set_once/$unset and $group_0..4, and `$identify`, `$create_alias`,
//   `$merge_dangerously`, `$groupidentify` are dropped with a warning;
// - `$groupidentify` never sets person properties; a non-boolean `$process_person_profile` is
//   ignored (person processing on) with a warning;
// - a project that opted out of person processing (team `person_processing_opt_out`) has
//   `$process_person_profile: false` stamped on every event before any of the above, and its
//   person-only events are dropped with `event_dropped_person_processing_disabled`
//   (PostHog's apply-person-processing-restrictions and normalize-process-person-flag steps).

import type { CapturedEvent } from '../captured-event.js';
import type { IngestionWarning } from './ingestion-warning.js';
import { addPersonPropertiesFromEvent } from './person-property-sources.js';

type Props = Record<string, unknown>;

export const PERSONLESS_REFUSED_EVENTS: ReadonlySet<string> = new Set([
  '$identify',
  '$create_alias',
  '$merge_dangerously',
  '$groupidentify',
]);
const PERSON_UPDATE_KEYS = ['$set', '$set_once', '$unset'] as const;
const GROUP_COLUMN_KEYS = ['$group_0', '$group_1', '$group_2', '$group_3', '$group_4'] as const;
const NO_PERSON_PROPERTY_EVENTS: ReadonlySet<string> = new Set(['$snapshot', '$performance_event']);

/** Person updates an event asks for (empty for personless events and $groupidentify). */
interface PersonUpdates {
  readonly set: Readonly<Props>;
  readonly setOnce: Readonly<Props>;
  readonly unset: readonly string[];
}

export interface NormalizedEvent extends PersonUpdates {
  readonly captured: CapturedEvent;
  readonly teamId: number;
  readonly event: string;
  readonly distinctId: string;
  readonly processPerson: boolean;
  /** The properties the stored event will carry (a copy: the captured event is never changed). */
  readonly properties: Props;
}

export type NormalizeResult =
  | { readonly kind: 'ok'; readonly event: NormalizedEvent; readonly warnings: readonly IngestionWarning[] }
  | {
      readonly kind: 'drop';
      readonly reason: 'personlessPersonEvent' | 'personProcessingDisabled' | 'invalid';
      readonly warnings: readonly IngestionWarning[];
    };

const EMPTY: Readonly<Props> = Object.freeze({});
const NONE: readonly string[] = Object.freeze([]);
const NO_UPDATES: PersonUpdates = { set: EMPTY, setOnce: EMPTY, unset: NONE };

export const isPlainObject = (value: unknown): value is Props =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy without `excluded` keys; built key by key because `delete` slows V8 objects down. */
function copyWithout(source: Readonly<Props>, excluded: ReadonlySet<string>): Props {
  const copy: Props = {};
  for (const key in source) if (!excluded.has(key)) copy[key] = source[key];
  return copy;
}

const PERSONLESS_EXCLUDED: ReadonlySet<string> = new Set([...PERSON_UPDATE_KEYS, ...GROUP_COLUMN_KEYS]);
const GROUPIDENTIFY_EXCLUDED: ReadonlySet<string> = new Set(PERSON_UPDATE_KEYS);

function unsetKeys(value: unknown): readonly string[] {
  if (Array.isArray(value)) return value.filter((key): key is string => typeof key === 'string');
  if (isPlainObject(value)) return Object.keys(value);
  return NONE;
}

export function normalizeEvent(
  captured: CapturedEvent,
  teamId: number,
  personProcessingOptOut = false,
): NormalizeResult {
  const data = captured.data;
  const event = data['event'];
  if (typeof event !== 'string' || event === '') {
    return {
      kind: 'drop',
      reason: 'invalid',
      warnings: [
        { type: 'invalid_event', details: { eventUuid: captured.uuid, reason: 'missing event name' } },
      ],
    };
  }
  const sourceProps = isPlainObject(data['properties']) ? data['properties'] : EMPTY;
  const flag = sourceProps['$process_person_profile'];
  const processPerson = flag !== false && !personProcessingOptOut;
  const warnings: IngestionWarning[] = [];
  const normalized = (properties: Props, updates: PersonUpdates = NO_UPDATES): NormalizeResult => ({
    kind: 'ok',
    event: {
      captured,
      teamId,
      event,
      distinctId: captured.distinctId,
      processPerson,
      properties,
      ...updates,
    },
    warnings,
  });

  if (!processPerson) {
    if (PERSONLESS_REFUSED_EVENTS.has(event)) {
      warnings.push({
        type: personProcessingOptOut
          ? 'event_dropped_person_processing_disabled'
          : 'invalid_event_when_process_person_profile_is_false',
        details: { eventUuid: captured.uuid, event, distinctId: captured.distinctId },
      });
      // Sent personless, it is a personless person event whoever opted out; sent as a person
      // event, the project's setting alone refused it.
      return {
        kind: 'drop',
        reason: flag === false ? 'personlessPersonEvent' : 'personProcessingDisabled',
        warnings,
      };
    }
    let needsStrip = false;
    for (const key of PERSONLESS_EXCLUDED) if (key in sourceProps) needsStrip = true;
    const properties = needsStrip ? copyWithout(sourceProps, PERSONLESS_EXCLUDED) : { ...sourceProps };
    // PostHog stamps the flag for an opted-out project, so the stored event says it was personless.
    if (flag !== false) properties['$process_person_profile'] = false;
    addCaptureProperties(properties, captured);
    return normalized(properties);
  }

  if (flag !== undefined && flag !== true) {
    warnings.push({
      type: 'invalid_process_person_profile',
      details: { eventUuid: captured.uuid, event, distinctId: captured.distinctId, value: flag },
    });
  }
  const groupIdentify = event === '$groupidentify';
  let properties = groupIdentify ? copyWithout(sourceProps, GROUPIDENTIFY_EXCLUDED) : { ...sourceProps };
  // Flag `true` is the default; PostHog drops it and records person_mode instead.
  if ('$process_person_profile' in properties) {
    const { $process_person_profile: _flag, ...rest } = properties;
    properties = rest;
  }
  addCaptureProperties(properties, captured);
  if (groupIdentify) return normalized(properties);

  let set = mergedUpdate(properties['$set'], data['$set']);
  let setOnce = mergedUpdate(properties['$set_once'], data['$set_once']);
  if (!NO_PERSON_PROPERTY_EVENTS.has(event)) {
    const liftedSet: Props = set ?? {};
    const liftedSetOnce: Props = setOnce ?? {};
    if (addPersonPropertiesFromEvent(properties, liftedSet, liftedSetOnce)) {
      set = liftedSet;
      setOnce = liftedSetOnce;
    }
  }
  if (set !== null) properties['$set'] = set;
  if (setOnce !== null) properties['$set_once'] = setOnce;
  return normalized(properties, {
    set: set ?? EMPTY,
    setOnce: setOnce ?? EMPTY,
    unset: unsetKeys(properties['$unset']),
  });
}

/** `properties.$set` (or `$set_once`) with the top-level one over it; null when neither is an object. */
function mergedUpdate(inProperties: unknown, topLevel: unknown): Props | null {
  if (!isPlainObject(inProperties) && !isPlainObject(topLevel)) return null;
  return {
    ...(isPlainObject(inProperties) ? inProperties : EMPTY),
    ...(isPlainObject(topLevel) ? topLevel : EMPTY),
  };
}

function addCaptureProperties(properties: Props, captured: CapturedEvent): void {
  if (captured.ip !== null && !properties['$ip']) properties['$ip'] = captured.ip;
  if (captured.sentAt !== null) properties['$sent_at'] = captured.sentAt;
}
