// PostHog's API error body (drf-exceptions-hog): `{type, code, detail, attr}`. The query API's
// clients branch on `code` and the HTTP status, so both follow PostHog's values.

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

/** The project's concurrent-query slots stayed full for the whole queue wait: no Retry-After. */
export const tooManyConcurrentQueries = (concurrent: number): HttpResponse =>
  errorResponse(429, {
    type: 'throttled_error',
    code: 'throttled',
    detail: `Too many concurrent queries for this project (at most ${concurrent} run at once); retry later.`,
    attr: null,
  });

/** The query ran past the maximum execution time and was cancelled. */
export const queryTimedOut = (maxExecutionMs: number): HttpResponse =>
  errorResponse(504, {
    type: 'server_error',
    code: 'query_execution_timeout',
    detail: `Query has hit the max execution time (${maxExecutionMs / 1000} s) before completing. Narrow its time range or aggregate less.`,
    attr: null,
  });

export const serverError = (): HttpResponse =>
  errorResponse(500, { type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null });
