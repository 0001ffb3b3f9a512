// The body of `POST /api/projects/:id/query/` as PostHog's QueryRequest accepts it, narrowed to
// what this target answers: `{"query": {"kind": "HogQLQuery", "query": "SELECT …"}, "refresh": …}`.
// Pure: bytes in, the HogQL text or PostHog's 400 body out.

import type { PostHogErrorBody } from './posthog-error.js';
import { validationError } from './posthog-error.js';

/**
 * PostHog's RefreshType values, plus the legacy booleans. This target has no result cache: every
 * accepted value computes the result now and answers synchronously. `force_blocking` (what a
 * poller sends, to bypass PostHog's cache) therefore behaves exactly as it does in PostHog, and
 * the async modes answer at once with the result instead of a query status to poll.
 */
const REFRESH_VALUES = new Set<unknown>([
  true,
  false,
  'async',
  'async_except_on_cache_miss',
  'blocking',
  'force_async',
  'force_blocking',
  'force_cache',
  'lazy_async',
]);

export type QueryRequest =
  { readonly ok: true; readonly hogql: string } | { readonly ok: false; readonly error: PostHogErrorBody };

export function parseQueryRequest(body: Buffer | string): QueryRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return fail(`JSON parse error - ${(error as Error).message}`, 'parse_error');
  }
  if (!isObject(parsed))
    return fail(
      'The request body must be a JSON object: {"query": {"kind": "HogQLQuery", "query": "SELECT …"}}',
    );
  const { query, refresh } = parsed;
  if (refresh !== undefined && refresh !== null && !REFRESH_VALUES.has(refresh)) {
    return fail(
      `refresh: ${JSON.stringify(refresh)} is not a valid choice; use one of ${[...REFRESH_VALUES].map((v) => JSON.stringify(v)).join(', ')}`,
      'invalid_input',
      'refresh',
    );
  }
  if (!isObject(query))
    return fail(
      'query: This field is required and must be an object such as {"kind": "HogQLQuery", "query": "SELECT …"}',
      'required',
      'query',
    );
  if (query['kind'] !== 'HogQLQuery') {
    return fail(
      `query.kind ${JSON.stringify(query['kind'] ?? null)} is not supported by the ingestbench reference target; ` +
        'send {"kind": "HogQLQuery", "query": "SELECT …"}',
      'invalid_input',
      'query',
    );
  }
  const hogql = query['query'];
  if (typeof hogql !== 'string' || hogql.trim() === '') {
    return fail('query.query: This field is required and must be a HogQL SELECT string', 'required', 'query');
  }
  // Filters and variables would change the query; silently ignoring them would answer another question.
  for (const key of ['filters', 'variables', 'values'] as const) {
    const value = query[key];
    if (value !== undefined && value !== null && !(isObject(value) && Object.keys(value).length === 0)) {
      return fail(
        `query.${key} is not supported by the ingestbench reference target; put the condition in the HogQL text`,
        'invalid_input',
        'query',
      );
    }
  }
  return { ok: true, hogql };
}

function fail(detail: string, code = 'invalid_input', attr: string | null = null): QueryRequest {
  return { ok: false, error: validationError(code, detail, attr) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
