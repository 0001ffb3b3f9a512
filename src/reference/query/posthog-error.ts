// PostHog's API error body (drf-exceptions-hog): `{type, code, detail, attr}`. The query API's
// clients branch on `code` and the HTTP status, so both follow PostHog's values.

import { randomUUID } from 'node:crypto';

import { json, type HttpResponse } from '../http-types.js';

export interface PostHogErrorBody {
  readonly type:
    'validation_error' | 'authentication_error' | 'invalid_request' | 'throttled_error' | 'server_error';
  readonly code: string;
  readonly detail: string;
  readonly attr: string | null;
}

export const validationError = (
  code: string,
  detail: string,
  attr: string | null = null,
): PostHogErrorBody => ({
  type: 'validation_error',
  code,
  detail,
  attr,
});

/** An error answer with `attr: null`, the case of every error but a field's validation. */
const postHogError = (
  status: number,
  type: PostHogErrorBody['type'],
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): HttpResponse => json(status, { type, code, detail, attr: null } satisfies PostHogErrorBody, headers);

/** No credentials at all: DRF's NotAuthenticated, with the Bearer challenge. */
export const notAuthenticated = (): HttpResponse =>
  postHogError(
    401,
    'authentication_error',
    'not_authenticated',
    'Authentication credentials were not provided.',
    {
      'www-authenticate': 'Bearer',
    },
  );

/** A key that is not one of the target's personal API keys (PostHog's own wording). */
export const invalidKey = (source: string): HttpResponse =>
  postHogError(
    403,
    'authentication_error',
    'authentication_failed',
    `Personal API key found in request ${source} is invalid.`,
  );

export const projectNotFound = (): HttpResponse =>
  postHogError(404, 'invalid_request', 'not_found', 'Project not found.');

export const methodNotAllowed = (method: string): HttpResponse =>
  postHogError(405, 'invalid_request', 'method_not_allowed', `Method "${method}" not allowed.`, {
    allow: 'POST',
  });

/** DRF's Throttled without a wait: no Retry-After, since the throttle does not say when. */
export const throttled = (): HttpResponse =>
  postHogError(429, 'throttled_error', 'throttled', 'Request was throttled.');

/** DRF's Throttled with a wait: the seconds go in the detail and in Retry-After. */
export const throttledFor = (seconds: number): HttpResponse =>
  postHogError(
    429,
    'throttled_error',
    'throttled',
    `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    { 'retry-after': String(seconds) },
  );

/**
 * The team's concurrent-query slots stayed full for the whole wait (30 s): posthog/api/query.py
 * turns ConcurrencyLimitExceeded into DRF's Throttled with the exception's text as detail
 * (posthog/clickhouse/client/limit.py) and no wait, so no Retry-After.
 */
export const tooManyConcurrentQueries = (limit: number, projectId: number): HttpResponse =>
  postHogError(
    429,
    'throttled_error',
    'throttled',
    `Exceeded maximum concurrency limit: ${limit} for key: api:query:per-team:${projectId} and task: ${randomUUID().replace(/-/g, '').slice(0, 12)}`,
  );

/**
 * The query ran past the API's execution time limit and was cancelled: ClickHouseQueryTimeOut
 * (posthog/exceptions.py, status 504, DRF's default code "error"), with the detail PostHog gives a
 * query sent with a personal API key.
 */
export const queryTimedOut = (maxExecutionMs: number): HttpResponse =>
  postHogError(
    504,
    'server_error',
    'error',
    `This query hit the ${Math.round(maxExecutionMs / 1000)}-second time limit for queries run through the API. ` +
      'Submit it as an async query to give it more time: https://posthog.com/docs/api/queries#asynchronous-queries. ' +
      'You can also narrow the date range or the filters so it scans less data: ' +
      'https://posthog.com/docs/api/queries#writing-performant-queries',
  );

export const serverError = (): HttpResponse =>
  postHogError(500, 'server_error', 'error', 'A server error occurred.');
