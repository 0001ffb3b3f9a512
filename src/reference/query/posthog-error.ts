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

export function errorResponse(
  status: number,
  body: PostHogErrorBody,
  headers: Record<string, string> = {},
): HttpResponse {
  return json(status, body, headers);
}

/** No credentials at all: DRF's NotAuthenticated, with the Bearer challenge. */
export const notAuthenticated = (): HttpResponse =>
  errorResponse(
    401,
    {
      type: 'authentication_error',
      code: 'not_authenticated',
      detail: 'Authentication credentials were not provided.',
      attr: null,
    },
    { 'www-authenticate': 'Bearer' },
  );

/** A key that is not one of the target's personal API keys (PostHog's own wording). */
export const invalidKey = (source: string): HttpResponse =>
  errorResponse(403, {
    type: 'authentication_error',
    code: 'authentication_failed',
    detail: `Personal API key found in request ${source} is invalid.`,
    attr: null,
  });

export const projectNotFound = (): HttpResponse =>
  errorResponse(404, {
    type: 'invalid_request',
    code: 'not_found',
    detail: 'Project not found.',
    attr: null,
  });

export const methodNotAllowed = (method: string): HttpResponse =>
  errorResponse(
    405,
    {
      type: 'invalid_request',
      code: 'method_not_allowed',
      detail: `Method "${method}" not allowed.`,
      attr: null,
    },
    { allow: 'POST' },
  );

/** DRF's Throttled without a wait: no Retry-After, since the throttle does not say when. */
export const throttled = (): HttpResponse =>
  errorResponse(429, {
    type: 'throttled_error',
    code: 'throttled',
    detail: 'Request was throttled.',
    attr: null,
  });

/** DRF's Throttled with a wait: the seconds go in the detail and in Retry-After. */
export const throttledFor = (seconds: number): HttpResponse =>
  errorResponse(
    429,
    {
      type: 'throttled_error',
      code: 'throttled',
      detail: `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      attr: null,
    },
    { 'retry-after': String(seconds) },
  );

/**
 * The team's concurrent-query slots stayed full for the whole wait (30 s): posthog/api/query.py
 * turns ConcurrencyLimitExceeded into DRF's Throttled with the exception's text as detail
 * (posthog/clickhouse/client/limit.py) and no wait, so no Retry-After.
 */
export const tooManyConcurrentQueries = (limit: number, projectId: number): HttpResponse =>
  errorResponse(429, {
    type: 'throttled_error',
    code: 'throttled',
    detail: `Exceeded maximum concurrency limit: ${limit} for key: api:query:per-team:${projectId} and task: ${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    attr: null,
  });

/**
 * A personal key that may not do this: DRF's PermissionDenied with the permission's message
 * (posthog/permissions.py: "API key missing required scope 'query:read'", "API key does not have
 * access to the requested project: ID N.", or the organisation's).
 */
export const permissionDenied = (detail: string): HttpResponse =>
  errorResponse(403, { type: 'authentication_error', code: 'permission_denied', detail, attr: null });

/**
 * The query was estimated too slow (EstimatedQueryExecutionTimeTooLong, posthog/exceptions.py:
 * status 512, DRF's default code "error"): permanent, asking again gives the same answer.
 */
export const estimatedTooSlow = (): HttpResponse =>
  errorResponse(512, {
    type: 'server_error',
    code: 'error',
    detail: 'Estimated query execution time is too long. Try reducing its scope by changing the time range.',
    attr: null,
  });

/**
 * The query ran past the API's execution time limit and was cancelled: ClickHouseQueryTimeOut
 * (posthog/exceptions.py, status 504, DRF's default code "error"), with the detail PostHog gives a
 * query sent with a personal API key.
 */
export const queryTimedOut = (maxExecutionMs: number): HttpResponse =>
  errorResponse(504, {
    type: 'server_error',
    code: 'error',
    detail:
      `This query hit the ${Math.round(maxExecutionMs / 1000)}-second time limit for queries run through the API. ` +
      'Submit it as an async query to give it more time: https://posthog.com/docs/api/queries#asynchronous-queries. ' +
      'You can also narrow the date range or the filters so it scans less data: ' +
      'https://posthog.com/docs/api/queries#writing-performant-queries',
    attr: null,
  });

export const serverError = (): HttpResponse =>
  errorResponse(500, { type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null });
