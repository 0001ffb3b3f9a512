// Distinct ids that PostHog refuses to merge on ($identify, $create_alias, $merge_dangerously):
// generic values that come from a bug in the caller (an unset variable, a stringified object), and
// would otherwise fold every user who sent them into one giant person. The event itself is still
// ingested; only the merge is refused, with a `cannot_merge_with_illegal_distinct_id` warning.
// The lists are PostHog's (ingestion person-utils.ts): some ids are illegal in any casing, some only
// as cased ('NaN' but not 'nan'), and both also when wrapped in single or double quotes.

const CASE_INSENSITIVE = [
  'anonymous',
  'guest',
  'distinctid',
  'distinct_id',
  'id',
  'not_authenticated',
  'email',
  'undefined',
  'true',
  'false',
];
const CASE_SENSITIVE = ['[object Object]', 'NaN', 'None', 'none', 'null', '0', 'undefined'];

const withQuotes = (ids: readonly string[]): Set<string> =>
  new Set(ids.flatMap((id) => [id, `'${id}'`, `"${id}"`]));

const ILLEGAL_ANY_CASE = withQuotes(CASE_INSENSITIVE);
const ILLEGAL_AS_CASED = withQuotes(CASE_SENSITIVE);

export function isDistinctIdIllegal(id: string): boolean {
  return id.trim() === '' || ILLEGAL_ANY_CASE.has(id.toLowerCase()) || ILLEGAL_AS_CASED.has(id);
}
