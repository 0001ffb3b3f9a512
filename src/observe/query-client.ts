// HogQL over HTTP: PostHog's query API (`POST /api/projects/:id/query/`), with the key's query
// budget (per minute, per hour, concurrency: key-budget.ts, shared by every client of one key that
// is handed the same budget) enforced here so no caller can exceed it, and 429 answered
// by backing off (Retry-After when the target sends one, else exponential) rather than failing
// the run. Every wait (budget, 429, back-off, a slow query) is bounded by the caller's deadline:
// a wait that would end past it is not begun, the query fails at once with kind 'budget exhausted'
// (throttles) or 'deadline' (a slow answer), so the drain timeout is a hard bound.
// Failures become typed QueryErrors; `transient` says whether polling again later may succeed.
// The personal key goes into the Authorization header and nowhere else: not into errors, not
// into debug output.

import { debuglog } from 'node:util';
import { request } from 'undici';
import { IngestbenchError, type ErrorCode } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import { parseRetryAfter } from '../http/retry-after.js';
import { publicUrl } from '../public-url.js';
import { preflightQuery } from './poll-queries.js';
import { createKeyBudget, type KeyBudget } from './key-budget.js';
import { QueryBudget, type QueryLimits } from './query-budget.js';

const debug = debuglog('ingestbench:observe');

export interface QueryClientOptions {
  readonly queryUrl: string;
  readonly projectId: string;
  readonly personalKey: string;
  /**
   * The key's budget, shared with every other client of the same key (capacity steps, runs in a
   * loop, a monitor). Without it the client has a budget of its own from `limits`.
   */
  readonly budget?: KeyBudget;
  /** Per-minute, per-hour and concurrency limits; unset ones are PostHog's (240, 2,400, 3). Ignored when `budget` is given. */
  readonly limits?: Partial<QueryLimits>;
  /** The older form: queries per minute alone (no hourly window). Ignored when `limits` is given. */
  readonly budgetPerMinute?: number;
  /** Ends every query and wait (the client is done for). Per-query signals are in QueryOptions. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Per-request timeout (headers and body). force_blocking queries can be slow: default 60 s. */
  readonly requestTimeoutMs?: number;
  /** 429 answers retried per query before giving up with a transient error. Default 8. */
  readonly maxThrottleRetries?: number;
}

export interface QueryOptions {
  /** Clock time no wait or request of this query may pass (read again before every wait). */
  readonly deadline?: () => number;
  readonly signal?: AbortSignal;
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
  /** The most queries of this client any sliding minute / hour held, and the key's limits. */
  readonly peakPerMinute: number;
  readonly peakPerHour: number;
  readonly limits: QueryLimits;
}

export interface QueryClient {
  query(hogql: string, options?: QueryOptions): Promise<QueryResponse>;
  /** One cheap query that proves URL, project and key; throws TARGET_AUTH / TARGET_UNREACHABLE / TARGET_REFUSED. */
  preflight(options?: QueryOptions): Promise<void>;
  stats(): QueryClientStats;
  /** The key's budget this client waits on (shared when one was given). */
  readonly budget: KeyBudget;
}

/**
 * Why a query failed: no answer ('unreachable'), too slow for the deadline ('deadline'), the
 * budget or the target's throttle would have it wait past the deadline or 429 went on too long
 * ('budget exhausted'), the key was refused ('auth'), the query was refused ('refused'), the
 * target failed (5xx: 'server').
 */
export type QueryFailure = 'unreachable' | 'deadline' | 'budget exhausted' | 'auth' | 'refused' | 'server';

/** A failed query. `status` is the HTTP status, null when no answer came. */
export class QueryError extends IngestbenchError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | null,
    readonly transient: boolean,
    options?: { cause?: unknown; kind?: QueryFailure },
  ) {
    super(code, message, options);
    this.name = 'QueryError';
    this.kind = options?.kind ?? defaultKind(code, status);
  }

  readonly kind: QueryFailure;
}

function defaultKind(code: ErrorCode, status: number | null): QueryFailure {
  if (code === 'TARGET_AUTH') return 'auth';
  if (code === 'TARGET_UNREACHABLE') return 'unreachable';
  return status !== null && status >= 500 ? 'server' : 'refused';
}

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** Long waits are slept in slices so a deadline set meanwhile (drain, stop) cuts them short. */
const WAIT_SLICE_MS = 1_000;

export function createQueryClient(opts: QueryClientOptions): QueryClient {
  const clock = opts.clock ?? systemClock;
  const budget = opts.budget ?? createKeyBudget(opts.limits ?? opts.budgetPerMinute ?? {});
  // This client's own queries, for its report: the key's budget may be shared with others.
  const own = new QueryBudget({ perMinute: Infinity, perHour: Infinity, concurrent: Infinity });
  const timeout = opts.requestTimeoutMs ?? 60_000;
  const maxRetries = opts.maxThrottleRetries ?? 8;
  const url = `${opts.queryUrl.replace(/\/+$/, '')}/api/projects/${encodeURIComponent(opts.projectId)}/query/`;
  // For messages: the URL without any userinfo a user might have put in it.
  const where = publicUrl(url);
  let queries = 0;
  let throttled = 0;
  let failed = 0;

  const exhausted = (why: string): QueryError => {
    failed += 1;
    return new QueryError('TARGET_REFUSED', `query budget exhausted: ${why}`, 429, false, {
      kind: 'budget exhausted',
    });
  };

  function signalOf(q: QueryOptions): AbortSignal | undefined {
    const signals = [opts.signal, q.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  }

  /** Wait `ms`, or fail at once when that would end past the deadline. */
  async function wait(ms: number, q: QueryOptions, why: string): Promise<void> {
    const until = clock.now() + ms;
    for (;;) {
      const deadline = q.deadline?.() ?? Infinity;
      if (until > deadline) throw exhausted(`${why}: ${Math.ceil(ms / 1000)} s would end past the deadline`);
      const left = until - clock.now();
      if (left <= 0) return;
      await clock.sleep(Math.min(left, WAIT_SLICE_MS), signalOf(q));
    }
  }

  async function withinBudget(q: QueryOptions): Promise<void> {
    for (let ms = budget.waitMs(clock.now()); ms > 0; ms = budget.waitMs(clock.now())) {
      const { perMinute, perHour } = budget.limits;
      debug('query budget (%d/min, %d/h) reached, waiting %d ms', perMinute, perHour, ms);
      await wait(ms, q, `${perMinute}/min and ${perHour}/h reached`);
    }
    budget.take(clock.now());
    own.take(clock.now());
  }

  async function send(
    hogql: string,
    q: QueryOptions,
  ): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
    const left = (q.deadline?.() ?? Infinity) - clock.now();
    if (left <= 0) throw deadlineError(where, 0);
    const limit = Math.min(timeout, left);
    const bySignal = signalOf(q);
    const slow = AbortSignal.timeout(Math.max(1, Math.ceil(limit)));
    queries += 1;
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.personalKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: { kind: 'HogQLQuery', query: hogql }, refresh: 'force_blocking' }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: bySignal ? AbortSignal.any([bySignal, slow]) : slow,
      });
      const retryAfter = res.headers['retry-after'];
      return {
        status: res.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        body: await res.body.text(),
      };
    } catch (error) {
      if (bySignal?.aborted) throw bySignal.reason;
      failed += 1;
      if (slow.aborted && limit < timeout) throw deadlineError(where, limit, error);
      const code = (error as { code?: unknown }).code;
      throw new QueryError(
        'TARGET_UNREACHABLE',
        `query API at ${where} did not answer (${slow.aborted ? `no answer in ${Math.round(limit)} ms` : typeof code === 'string' ? code : String(error)}); check that the target is running and queryUrl is right`,
        null,
        true,
        { cause: error },
      );
    }
  }

  async function query(hogql: string, q: QueryOptions = {}): Promise<QueryResponse> {
    for (let attempt = 0; ; attempt += 1) {
      await withinBudget(q);
      const release = await budget.acquireSlot(signalOf(q));
      const sentAt = clock.now();
      let res: Awaited<ReturnType<typeof send>>;
      try {
        res = await send(hogql, q);
      } finally {
        release();
      }
      if (res.status === 429) {
        throttled += 1;
        budget.noteThrottled();
        if (attempt >= maxRetries) {
          failed += 1;
          throw new QueryError(
            'TARGET_REFUSED',
            `query API at ${where} still throttling (429) after ${attempt + 1} attempts; lower the query budget`,
            429,
            true,
          );
        }
        // Retry-After is the target's word (PostHog's hourly throttle may say most of an hour):
        // not capped, but never waited past the deadline (wait() refuses that).
        const ms =
          parseRetryAfter(res.retryAfter, clock.now()) ??
          Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
        debug('query throttled (429), backing off %d ms (attempt %d)', ms, attempt + 1);
        await wait(
          ms,
          q,
          `the query API throttles (429${res.retryAfter ? `, Retry-After ${res.retryAfter}` : ''})`,
        );
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
    budget,
    async preflight(q = {}) {
      const res = await query(preflightQuery(clock.now() - 60_000), q);
      if (res.results.length !== 1) {
        throw new QueryError(
          'TARGET_REFUSED',
          `query API at ${where} answered a count() with ${res.results.length} rows; is this a PostHog query API?`,
          200,
          false,
        );
      }
    },
    stats: () => {
      const peaks = own.peaks();
      return {
        queries,
        throttled,
        failed,
        peakPerMinute: peaks.perMinute,
        peakPerHour: peaks.perHour,
        limits: budget.limits,
      };
    },
  };
}

function deadlineError(where: string, limitMs: number, cause?: unknown): QueryError {
  return new QueryError(
    'TARGET_REFUSED',
    `query API at ${where} had not answered when the observation deadline came (${Math.round(limitMs)} ms left)`,
    null,
    true,
    { kind: 'deadline', ...(cause === undefined ? {} : { cause }) },
  );
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
