// Event properties that PostHog also copies onto the person (ingestion person-property-utils.ts
// and personInitialAndUTMProperties): the latest value into `$set`, the first value into
// `$set_once` as `$initial_<name>`. For events other than person events, a change in one of these
// alone does not rewrite the person row (they change on nearly every event), though the event's
// person_properties snapshot still shows the new value.

export const EVENT_TO_PERSON_PROPERTIES: ReadonlySet<string> = new Set([
  '$app_build',
  '$app_name',
  '$app_namespace',
  '$app_version',
  '$browser',
  '$browser_version',
  '$device_type',
  '$current_url',
  '$pathname',
  '$os',
  '$os_version',
  '$referring_domain',
  '$referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_name',
  'utm_term',
  'gclid',
  'gad_source',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
]);

const INITIAL_KEY = new Map(
  [...EVENT_TO_PERSON_PROPERTIES].map((key) => [key, `$initial_${key.replace('$', '')}`]),
);

type Props = Record<string, unknown>;

/**
 * Adds the event's person-facing properties to `set` and `setOnce` (both mutated), never over
 * what the event set explicitly. Nulls go to `$set` (clearing a campaign param is intended) but
 * never to `$set_once`, where a null would block the real first value forever. Server SDKs
 * (`$is_server: true`) do not lift the host's `$os` onto the person.
 */
export function addPersonPropertiesFromEvent(
  properties: Readonly<Props>,
  set: Props,
  setOnce: Props,
): boolean {
  const skipHostOs = properties['$is_server'] === true;
  let added = false;
  for (const [key, initialKey] of INITIAL_KEY) {
    if (!(key in properties)) continue;
    if (skipHostOs && (key === '$os' || key === '$os_version')) continue;
    const value = properties[key];
    if (!(key in set)) set[key] = value;
    if (value !== null && value !== undefined && !(initialKey in setOnce)) setOnce[initialKey] = value;
    added = true;
  }
  const osName = properties['$os_name'];
  if (added && osName !== undefined && !skipHostOs) {
    // Some SDKs send $os_name instead of $os: PostHog treats it as a fallback for $initial_os.
    if (osName !== null && !('$initial_os' in setOnce)) setOnce['$initial_os'] = osName;
    delete set['$os_name'];
    delete setOnce['$initial_os_name'];
  }
  return added;
}
