// The reference target's query API: PostHog's `POST /api/projects/:id/query/` (also the newer
// `/api/environments/:id/query/`), answering HogQLQuery over the event store. Checks run in
// PostHog's order (authentication, project, throttle, method, body, concurrency slot, execution
// time), and every refusal uses PostHog's status and `{type, code, detail, attr}` body. The
// limits (query-limits.ts) are keyed as PostHog keys them: the minute/hour windows on the hashed
// personal key (429 with Retry-After), the concurrency slots on the project (429 without it when
// no slot frees in time), and 504 past the maximum execution time.
//
// Authentication: PostHog answers a missing or invalid personal key with 401 on most endpoints and
// with 403 where its first authenticator sends no challenge header (the query viewset's sharing
// authenticator). This target answers a missing key with 401 and a wrong key with 403; clients
// must treat both as an authentication failure (observe/query-client.ts does).

import { createHash, timingSafeEqual } from 'node:crypto';
import { debuglog } from 'node:util';

import { json, type HttpRequest, type HttpResponse } from '../http-types.js';
import { HogQLError } from './hogql-error.js';
import {
  invalidKey,
  methodNotAllowed,
  notAuthenticated,
  projectNotFound,
  serverError,
  queryTimedOut,
  throttled,
  throttledFor,
  tooManyConcurrentQueries,
  validationError,
} from './posthog-error.js';
import type { CompileContext } from './compile-hogql.js';
import { createConcurrencyGate, systemTimers, type GateTimers } from './concurrency-gate.js';
import { parseQueryRequest } from './query-request.js';
import { QUERY_LIMITS, type QueryLimits } from './query-limits.js';
import { createQueryThrottle } from './query-throttle.js';
import type { HogQLResult } from './run-hogql.js';
import { formatHogQLTime } from './hogql-time.js';

const debug = debuglog('ingestbench:query');

/** The :project of /api/projects/:project/query/ (or /api/environments/…). */
const PROJECT_SEGMENT = /^\/api\/[^/]+\/([^/?]+)/;

/**
 * Runs one HogQL query. Rejects with a HogQLError for a query it refuses. `signal` aborts when the
 * maximum execution time is over: an executor that can stop the work (a worker thread) does.
 */
export type QueryExecutor = (text: string, ctx: CompileContext, signal: AbortSignal) => Promise<HogQLResult>;

/** How a query request ended, for /metrics. */
export const QUERY_OUTCOMES = [
  'answered',
  'refused',
  'throttled_fault',
  'throttled_minute',
  'throttled_hour',
  'throttled_concurrency',
  'timed_out',
  'failed',
] as const;
export type QueryOutcome = (typeof QUERY_OUTCOMES)[number];

export interface QueryDeps {
  /** Runs a query: the reference target's worker threads (query-worker-pool.ts). */
  readonly execute: QueryExecutor;
  readonly projectIds: ReadonlySet<number>;
  /** Accepted personal API keys (phx_…). Never logged. */
  readonly personalKeys: readonly string[];
  /** Unix ms, for last_refresh, the time limit and the throttle windows. */
  now(): number;
  /** PostHog's per-project limits; none when absent. */
  readonly limits?: QueryLimits;
  /** Timers for the concurrency queue and the execution time limit. */
  readonly timers?: GateTimers;
  /** Return true to answer 429 (fault injection). */
  throttle?(): boolean;
  /** Called once per query request that passed authentication. */
  onOutcome?(outcome: QueryOutcome): void;
}

/** The handler of the query paths (the route table sends it those alone). */
export function createQueryHandler(deps: QueryDeps): (req: HttpRequest) => Promise<HttpResponse> {
  const { execute } = deps;
  const limits = deps.limits ?? QUERY_LIMITS.none;
  const timers = deps.timers ?? systemTimers;
  const rate = createQueryThrottle(limits, () => deps.now());
  const gate = createConcurrencyGate(limits, timers);
  const keyDigests = deps.personalKeys.map(digest);
  const isKnownKey = (key: string): boolean => {
    const candidate = digest(key);
    // Compare digests in constant time, and every one of them, so timing says nothing about a key.
    return keyDigests.reduce((found, known) => timingSafeEqual(known, candidate) || found, false);
  };
  const outcome = (o: QueryOutcome, response: HttpResponse): HttpResponse => {
    deps.onOutcome?.(o);
    return response;
  };

  return async (req) => {
    const projectSegment = PROJECT_SEGMENT.exec(req.url)?.[1] ?? '';
    const found = findKey(req);
    if (found === null) return notAuthenticated();
    if (!isKnownKey(found.key)) return invalidKey(found.source);
    // The throttle's bucket: the key's digest, never the key itself (PostHog hashes it too).
    const keyBucket = digest(found.key).toString('hex');

    const projectId = /^\d{1,15}$/.test(projectSegment) ? Number(projectSegment) : NaN;
    if (!deps.projectIds.has(projectId)) return projectNotFound();
    // Throttles run where DRF runs them: after authentication, before the method and the body.
    if (deps.throttle?.() === true) return outcome('throttled_fault', throttled());
    const admitted = rate.admit(keyBucket);
    if (!admitted.ok) {
      return outcome(
        admitted.window === 'minute' ? 'throttled_minute' : 'throttled_hour',
        throttledFor(admitted.retryAfterSeconds),
      );
    }
    if (req.method !== 'POST') return outcome('refused', methodNotAllowed(req.method));

    const request = parseQueryRequest(req.body);
    if (!request.ok) return outcome('refused', json(400, request.error));

    const release = await gate.acquire(projectId);
    if (release === null)
      return outcome('throttled_concurrency', tooManyConcurrentQueries(limits.concurrent, projectId));
    try {
      return await run(request.hogql, projectId);
    } finally {
      release();
    }
  };

  async function run(hogql: string, projectId: number): Promise<HttpResponse> {
    const now = deps.now();
    const abort = new AbortController();
    let cancelTimer = (): void => undefined;
    const timedOut = new Promise<'timed_out'>((resolve) => {
      if (Number.isFinite(limits.maxExecutionMs)) {
        cancelTimer = timers.setTimer(limits.maxExecutionMs, () => {
          abort.abort();
          resolve('timed_out');
        });
      }
    });
    try {
      const result = await Promise.race([execute(hogql, { projectId, now }, abort.signal), timedOut]);
      // An executor that cannot be interrupted (in-process) finishes late instead: still a timeout.
      if (result === 'timed_out' || deps.now() - now > limits.maxExecutionMs) {
        return outcome('timed_out', queryTimedOut(limits.maxExecutionMs));
      }
      return outcome(
        'answered',
        json(200, {
          ...result,
          query: hogql,
          error: null,
          // The fields of PostHog's cached response; this target has no cache, so every answer is fresh.
          is_cached: false,
          last_refresh: formatHogQLTime(now),
          timezone: 'UTC',
        }),
      );
    } catch (error) {
      if (abort.signal.aborted) return outcome('timed_out', queryTimedOut(limits.maxExecutionMs));
      if (error instanceof HogQLError) {
        debug('refused HogQL (%s): %s', error.hogqlCode, error.message);
        return outcome('refused', json(400, validationError(error.hogqlCode, error.message)));
      }
      debug('query failed: %O', error);
      return outcome('failed', serverError());
    } finally {
      cancelTimer();
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

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
