// An event's distinct_id as PostHog's capture derives it: root `distinct_id` (or `$distinct_id`),
// else `properties.distinct_id`; null counts as absent. Strings are taken as they are, anything
// else is stringified (objects with sorted keys, as serde_json prints them), NUL becomes U+FFFD,
// and the result is cut to 200 characters (code points, not UTF-16 units). Empty is refused.

const MAX_DISTINCT_ID_CHARS = 200;

/** The event's distinct_id, or null when it is missing, null or empty. */
export function distinctIdOf(event: Readonly<Record<string, unknown>>): string | null {
  let value = event['distinct_id'];
  if (value === undefined || value === null) value = event['$distinct_id'];
  if (value === undefined || value === null) {
    const properties = event['properties'];
    if (typeof properties === 'object' && properties !== null) {
      value = (properties as Record<string, unknown>)['distinct_id'];
    }
  }
  if (value === undefined || value === null) return null;
  let id = typeof value === 'string' ? value : stringify(value);
  if (id.includes('\0')) id = id.replaceAll('\0', '\uFFFD');
  if (id === '') return null;
  return id.length <= MAX_DISTINCT_ID_CHARS ? id : firstCodePoints(id, MAX_DISTINCT_ID_CHARS);
}

function firstCodePoints(text: string, count: number): string {
  let taken = 0;
  let end = 0;
  for (const ch of text) {
    if (taken === count) break;
    end += ch.length;
    taken++;
  }
  return text.slice(0, end);
}

// Numbers and booleans print as JSON does; containers as compact JSON with sorted keys.
function stringify(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  if (Array.isArray(value)) return `[${value.map(stringify).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stringify((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
