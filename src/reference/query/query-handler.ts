// The reference target's query API: PostHog's `POST /api/projects/:id/query/` (also the newer
// `/api/environments/:id/query/`), answering HogQLQuery over the event store. Checks run in
// PostHog's order (authentication, project, throttle, method, body), and every refusal uses
// PostHog's status and `{type, code, detail, attr}` body.
//
// Authentication: PostHog answers a missing or invalid personal key with 401 on most endpoints and
// with 403 where its first authenticator sends no challenge header (the query viewset's sharing
// authenticator). This target answers a missing key with 401 and a wrong key with 403; clients
// must treat both as an authentication failure (observe/query-client.ts does).

import { createHash, timingSafeEqual } from 'node:crypto';
import { debuglog } from 'node:util';

import type Database from 'better-sqlite3';

import { json, type HttpRequest, type HttpResponse } from '../http-types.js';
import { HogQLError } from './hogql-error.js';
import {
  errorResponse,
  invalidKey,
  methodNotAllowed,
  notAuthenticated,
  projectNotFound,
  serverError,
  throttled,
  validationError,
} from './posthog-error.js';
import { parseQueryRequest } from './query-request.js';
import { runHogQL } from './run-hogql.js';
import { formatHogQLTime } from './hogql-time.js';
import { StatementCache } from './statement-cache.js';

const debug = debuglog('ingestbench:query');

const QUERY_PATH = /^\/api\/(?:projects|environments)\/([^/]+)\/query\/?$/;

export interface QueryDeps {
  /** A read connection to the store (readonly is best: nothing here writes). */
  readonly db: Database.Database;
  readonly projectIds: ReadonlySet<number>;
  /** Accepted personal API keys (phx_…). Never logged. */
  readonly personalKeys: readonly string[];
  /** Unix ms, for now() and last_refresh. */
  now(): number;
  /** Return true to answer 429 (fault injection, query budgets). */
  throttle?(): boolean;
}

export function createQueryHandler(deps: QueryDeps): (req: HttpRequest) => Promise<HttpResponse | null> {
  const statements = new StatementCache(deps.db);
  const keyDigests = deps.personalKeys.map(digest);
  const isKnownKey = (key: string): boolean => {
    const candidate = digest(key);
    // Compare digests in constant time, and every one of them, so timing says nothing about a key.
    return keyDigests.reduce((found, known) => timingSafeEqual(known, candidate) || found, false);
  };

  return (req) => {
    const match = QUERY_PATH.exec(pathOf(req.url));
    if (match === null) return Promise.resolve(null);
    return Promise.resolve(handle(req, match[1]!));
  };

  function handle(req: HttpRequest, projectSegment: string): HttpResponse {
    const found = findKey(req);
    if (found === null) return notAuthenticated();
    if (!isKnownKey(found.key)) return invalidKey(found.source);

    const projectId = /^\d{1,15}$/.test(projectSegment) ? Number(projectSegment) : NaN;
    if (!deps.projectIds.has(projectId)) return projectNotFound();
    if (deps.throttle?.() === true) return throttled();
    if (req.method !== 'POST') return methodNotAllowed(req.method);

    const request = parseQueryRequest(req.body);
    if (!request.ok) return errorResponse(400, request.error);

    const now = deps.now();
    try {
      const result = runHogQL(statements, request.hogql, { projectId, now });
      return json(200, {
        ...result,
        query: request.hogql,
        error: null,
        // The fields of PostHog's cached response; this target has no cache, so every answer is fresh.
        is_cached: false,
        last_refresh: formatHogQLTime(now),
        timezone: 'UTC',
      });
    } catch (error) {
      if (error instanceof HogQLError) {
        debug('refused HogQL (%s): %s', error.hogqlCode, error.message);
        return errorResponse(400, validationError(error.hogqlCode, error.message));
      }
      debug('query failed: %O', error);
      return serverError();
    }
  }
}

/** PostHog's key sources, in its order: Authorization header, then the body, then the query string. */
function findKey(req: HttpRequest): { key: string; source: string } | null {
  const header = /^Bearer\s+(\S.*)$/i.exec(req.headers['authorization'] ?? '');
  if (header !== null) return { key: header[1]!.trim(), source: 'Authorization header' };
  const fromBody = bodyKey(req.body);
  if (fromBody !== null) return { key: fromBody, source: 'body' };
  const fromQuery = new URLSearchParams(req.url.split('?')[1] ?? '').get('personal_api_key');
  if (fromQuery !== null && fromQuery !== '') return { key: fromQuery, source: 'query string' };
  return null;
}

function bodyKey(body: Buffer): string | null {
  if (body.length === 0) return null;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { personal_api_key?: unknown } | null;
    const key = parsed?.personal_api_key;
    return typeof key === 'string' && key !== '' ? key : null;
  } catch {
    // A body that is not JSON carries no key; the body check later answers it with 400.
    return null;
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
