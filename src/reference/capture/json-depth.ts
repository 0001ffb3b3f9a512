// PostHog's capture parses with serde_json, which refuses JSON nested deeper than 128 levels.
// Capture here refuses the same: besides matching PostHog, it keeps pathologically deep values
// (a 2 MiB body can nest a million levels) away from recursive code downstream (JSON.stringify
// in the queue, stringifying a distinct_id), where they would overflow the stack.
// The check walks the parsed value without recursion; only containers are visited, so it costs a
// fraction of JSON.parse (scanning the text instead cost two thirds of it).

export const MAX_JSON_DEPTH = 128;

/** True when the parsed JSON value nests arrays/objects deeper than `limit` levels. */
export function exceedsJsonDepth(root: unknown, limit = MAX_JSON_DEPTH): boolean {
  if (typeof root !== 'object' || root === null) return false;
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in value) {
        const item = value[key];
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
