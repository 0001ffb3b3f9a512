// HogQL over HTTP: PostHog's query API (`POST /api/projects/:id/query/`), with the query budget
// enforced here so no caller can exceed it, and 429 answered by backing off (Retry-After when
// the target sends one, else exponential) rather than failing the run. Failures become typed
// IngestbenchErrors; `transient` says whether polling again later may succeed. The personal key
// goes into the Authorization header and nowhere else: not into errors, not into debug output.

import { debuglog } from 'node:util';
import { request } from 'undici';
import { IngestbenchError, type ErrorCode } from '../errors.js';
import { publicUrl } from '../public-url.js';
import { systemClock, type Clock } from './clock.js';
import { preflightQuery } from './poll-queries.js';
import { QueryBudget } from './query-budget.js';

const debug = debuglog('ingestbench:observe');

export interface QueryClientOptions {
  readonly queryUrl: string;
  readonly projectId: string;
  readonly personalKey: string;
  readonly budgetPerMinute: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Per-request timeout (headers and body). force_blocking queries can be slow: default 60 s. */
  readonly requestTimeoutMs?: number;
  /** 429 answers retried per query before giving up with a transient error. Default 8. */
  readonly maxThrottleRetries?: number;
}

export interface QueryResponse {
  readonly results: readonly (readonly unknown[])[];
  readonly columns: readonly string[];
  readonly hasMore: boolean;
  /** Clock time the (last, successful) request was sent and its response fully read. */
  readonly sentAt: number;
  readonly receivedAt: number;
}

export interface QueryClientStats {
  /** HTTP requests sent, throttled ones included: what the budget counts. */
  readonly queries: number;
  readonly throttled: number;
  readonly failed: number;
}

export interface QueryClient {
  query(hogql: string): Promise<QueryResponse>;
  /** One cheap query that proves URL, project and key; throws TARGET_AUTH / TARGET_UNREACHABLE / TARGET_REFUSED. */
  preflight(): Promise<void>;
  stats(): QueryClientStats;
}

/** A failed query. `status` is the HTTP status, null when no answer came. */
export class QueryError extends IngestbenchError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'QueryError';
  }
}

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

export function createQueryClient(opts: QueryClientOptions): QueryClient {
  const clock = opts.clock ?? systemClock;
  const budget = new QueryBudget(opts.budgetPerMinute);
  const timeout = opts.requestTimeoutMs ?? 60_000;
  const maxRetries = opts.maxThrottleRetries ?? 8;
  const url = `${opts.queryUrl.replace(/\/+$/, '')}/api/projects/${encodeURIComponent(opts.projectId)}/query/`;
  // For messages: the URL without any userinfo a user might have put in it.
  const where = publicUrl(url);
  let queries = 0;
  let throttled = 0;
  let failed = 0;

  async function withinBudget(): Promise<void> {
    for (let wait = budget.waitMs(clock.now()); wait > 0; wait = budget.waitMs(clock.now())) {
      debug('query budget (%d/min) reached, waiting %d ms', budget.perMinute, wait);
      await clock.sleep(wait, opts.signal);
    }
    budget.take(clock.now());
  }

  async function send(
    hogql: string,
  ): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
    queries += 1;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.personalKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: { kind: 'HogQLQuery', query: hogql }, refresh: 'force_blocking' }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const retryAfter = res.headers['retry-after'];
      return {
        status: res.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        body: await res.body.text(),
      };
    } catch (error) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      failed += 1;
      const code = (error as { code?: unknown }).code;
      throw new QueryError(
        'TARGET_UNREACHABLE',
        `query API at ${where} did not answer (${typeof code === 'string' ? code : String(error)}); check that the target is running and queryUrl is right`,
        null,
        true,
        { cause: error },
      );
    }
  }

  async function query(hogql: string): Promise<QueryResponse> {
    for (let attempt = 0; ; attempt += 1) {
      await withinBudget();
      const sentAt = clock.now();
      const res = await send(hogql);
      if (res.status === 429) {
        throttled += 1;
        if (attempt >= maxRetries) {
          failed += 1;
          throw new QueryError(
            'TARGET_REFUSED',
            `query API at ${where} still throttling (429) after ${attempt + 1} attempts; lower the query budget`,
            429,
            true,
          );
        }
        const wait =
          retryAfterMs(res.retryAfter, clock.now()) ??
          Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
        debug('query throttled (429), backing off %d ms (attempt %d)', wait, attempt + 1);
        await clock.sleep(wait, opts.signal);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        failed += 1;
        throw errorFor(res.status, res.body, where);
      }
      const parsed = parseQueryBody(res.body, where);
      return { ...parsed, sentAt, receivedAt: clock.now() };
    }
  }

  return {
    query,
    async preflight() {
      const res = await query(preflightQuery(clock.now() - 60_000));
      if (res.results.length !== 1) {
        throw new QueryError(
          'TARGET_REFUSED',
          `query API at ${where} answered a count() with ${res.results.length} rows; is this a PostHog query API?`,
          200,
          false,
        );
      }
    },
    stats: () => ({ queries, throttled, failed }),
  };
}

function errorFor(status: number, body: string, where: string): QueryError {
  if (status === 401 || status === 403) {
    return new QueryError(
      'TARGET_AUTH',
      `query API at ${where} refused the personal API key (HTTP ${status}); check the key and that it may read this project`,
      status,
      false,
    );
  }
  const detail = errorDetail(body);
  if (status === 400) {
    return new QueryError(
      'TARGET_REFUSED',
      `query API at ${where} rejected the query (HTTP 400): ${detail}`,
      status,
      false,
    );
  }
  if (status === 404) {
    return new QueryError(
      'TARGET_REFUSED',
      `query API at ${where} not found (HTTP 404): check queryUrl and projectId`,
      status,
      false,
    );
  }
  return new QueryError(
    'TARGET_REFUSED',
    `query API at ${where} failed (HTTP ${status}): ${detail}`,
    status,
    status >= 500,
  );
}

/** PostHog's error shape is {type, code, detail}; anything else is shown cut short. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown; code?: unknown };
    if (typeof parsed.detail === 'string')
      return typeof parsed.code === 'string' ? `${parsed.code}: ${parsed.detail}` : parsed.detail;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.length > 200 ? `${body.slice(0, 200)}…` : body || '(empty body)';
}

function parseQueryBody(body: string, where: string): Omit<QueryResponse, 'sentAt' | 'receivedAt'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new QueryError(
      'TARGET_REFUSED',
      `query API at ${where} answered 2xx with a body that is not JSON`,
      200,
      true,
      { cause: error },
    );
  }
  const p = parsed as { results?: unknown; columns?: unknown; hasMore?: unknown };
  if (!Array.isArray(p.results) || !p.results.every((r) => Array.isArray(r))) {
    throw new QueryError(
      'TARGET_REFUSED',
      `query API at ${where} answered without a results array of rows; is this a PostHog query API?`,
      200,
      false,
    );
  }
  return {
    results: p.results as unknown[][],
    columns: Array.isArray(p.columns) ? p.columns.map(String) : [],
    hasMore: p.hasMore === true,
  };
}

/** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | null {
  if (value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(BACKOFF_MAX_MS * 5, Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
