// HogQL over HTTP: PostHog's query API (`POST /api/projects/:id/query/`), with the key's query
// budget (per minute, per hour, concurrency: key-budget.ts, shared by every client of one key that
// is handed the same budget) enforced here so no caller can exceed it, and 429 answered
// by backing off (Retry-After when the target sends one, else exponential) rather than failing
// the run. Every wait (budget, 429, back-off, a slow query) is bounded by the caller's deadline:
// a wait that would end past it is not begun, the query fails at once with QUERY_BUDGET_EXHAUSTED
// (throttles) or QUERY_DEADLINE (a slow answer), so the drain timeout is a hard bound.
// Failures become QueryErrors with one code each; `transient` (whether polling again later may
// succeed) follows from the code (QUERY_FAILURES).
// What waiting cannot fix ends at once: a 400 or 512/513 (the query itself, with PostHog's
// detail), a 401/403 (the key, with PostHog's detail), and a query API whose every slot is held
// (two 429s in a row without Retry-After, each after the server held the request most of its
// 30 s concurrency wait: the organisation's API-queries quota, or other queries of the team).
// The personal key goes into the Authorization header and nowhere else: not into errors, not
// into debug output.

import { debuglog } from 'node:util';
import { request } from 'undici';
import { IngestbenchError, type ErrorCode } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import { parseRetryAfter } from '../http/retry-after.js';
import { publicUrl } from '../public-url.js';
import { preflightQuery } from './poll-queries.js';
import { POSTHOG_LIMITS, requestTimeoutFor } from '../posthog-limits.js';
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
  /**
   * Per-request timeout (headers and body): the longest the deployment may hold a query plus a
   * margin (posthog-limits.ts requestTimeoutFor), so a slow query reads as the server's answer.
   * Default: cloud's (30 s concurrency wait + 10 s execution + margin).
   */
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
  /** One cheap query that proves URL, project and key; throws TARGET_AUTH / TARGET_UNREACHABLE / a QUERY_* code. */
  preflight(options?: QueryOptions): Promise<void>;
  stats(): QueryClientStats;
  /** The key's budget this client waits on (shared when one was given). */
  readonly budget: KeyBudget;
}

/**
 * The codes a query can fail with, each with whether polling again later may succeed. The one
 * place that says which failures are transient: a QueryError's `transient` is read from here.
 */
export const QUERY_FAILURES = {
  TARGET_UNREACHABLE: { transient: true },
  TARGET_AUTH: { transient: false },
  QUERY_DEADLINE: { transient: true },
  QUERY_BUDGET_EXHAUSTED: { transient: false },
  QUERY_THROTTLED: { transient: true },
  QUERY_SLOTS_HELD: { transient: false },
  QUERY_REJECTED: { transient: false },
  QUERY_NOT_FOUND: { transient: false },
  QUERY_TOO_EXPENSIVE: { transient: false },
  QUERY_REFUSED: { transient: false },
  QUERY_SERVER_ERROR: { transient: true },
  QUERY_ANSWER_UNREADABLE: { transient: true },
  QUERY_ANSWER_INVALID: { transient: false },
} as const satisfies { readonly [C in ErrorCode]?: { readonly transient: boolean } };

export type QueryFailureCode = keyof typeof QUERY_FAILURES;

/** A failed query. `status` is the HTTP status, null when no answer came. */
export class QueryError extends IngestbenchError {
  declare readonly code: QueryFailureCode;

  constructor(
    code: QueryFailureCode,
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(code, message, options);
    this.name = 'QueryError';
    this.detail = options?.detail ?? null;
  }

  /** Whether polling again later may succeed: from the code, never stored apart from it. */
  get transient(): boolean {
    return QUERY_FAILURES[this.code].transient;
  }

  /** PostHog's own words (`detail` of its error body), when it sent any. */
  readonly detail: string | null;
}

/**
 * A 429 without Retry-After that took this long came back from a full concurrency wait (PostHog
 * holds a query up to 30 s for a slot, posthog/clickhouse/client/limit.py), not from a throttle.
 */
export const HELD_429_MS = 20_000;
/** Held 429s in a row that mean every slot is taken. */
const HELD_IN_A_ROW = 2;

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** Long waits are slept in slices so a deadline set meanwhile (drain, stop) cuts them short. */
const WAIT_SLICE_MS = 1_000;

export function createQueryClient(opts: QueryClientOptions): QueryClient {
  const clock = opts.clock ?? systemClock;
  const budget = opts.budget ?? createKeyBudget(opts.limits ?? opts.budgetPerMinute ?? {});
  // This client's own queries, for its report: the key's budget may be shared with others.
  const own = new QueryBudget({ perMinute: Infinity, perHour: Infinity, concurrent: Infinity });
  const timeout = opts.requestTimeoutMs ?? requestTimeoutFor(POSTHOG_LIMITS.cloud);
  const maxRetries = opts.maxThrottleRetries ?? 8;
  const url = `${opts.queryUrl.replace(/\/+$/, '')}/api/projects/${encodeURIComponent(opts.projectId)}/query/`;
  // For messages: the URL without any userinfo a user might have put in it.
  const where = publicUrl(url);
  let queries = 0;
  let throttled = 0;
  let failed = 0;
  // Held 429s in a row, over every query of the client: the slots are the team's, not a query's.
  let heldInARow = 0;

  const exhausted = (why: string): QueryError => {
    failed += 1;
    return new QueryError('QUERY_BUDGET_EXHAUSTED', `query budget exhausted: ${why}`, 429);
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
        const held = res.retryAfter === undefined && clock.now() - sentAt >= HELD_429_MS;
        heldInARow = held ? heldInARow + 1 : 0;
        if (heldInARow >= HELD_IN_A_ROW) {
          failed += 1;
          throw slotsHeld(
            where,
            heldInARow,
            Math.round((clock.now() - sentAt) / 1000),
            errorDetail(res.body),
          );
        }
        if (attempt >= maxRetries) {
          failed += 1;
          throw new QueryError(
            'QUERY_THROTTLED',
            `query API at ${where} still throttling (429) after ${attempt + 1} attempts; lower the query budget`,
            429,
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
      heldInARow = 0;
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
          'QUERY_ANSWER_INVALID',
          `query API at ${where} answered a count() with ${res.results.length} rows; is this a PostHog query API?`,
          200,
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
    'QUERY_DEADLINE',
    `query API at ${where} had not answered when the observation deadline came (${Math.round(limitMs)} ms left)`,
    null,
    cause === undefined ? {} : { cause },
  );
}

/** Every slot held: nothing the harness can wait out, so it says what to check instead. */
function slotsHeld(where: string, times: number, heldSeconds: number, detail: string): QueryError {
  return new QueryError(
    'QUERY_SLOTS_HELD',
    `query API refusing: ${where} answered 429 without Retry-After ${times} times in a row, each after holding the query about ${heldSeconds} s (${detail}): ` +
      "every concurrent-query slot of the team is taken. Either the organisation is over its API-queries quota (PostHog then allows 0 concurrent queries: check the organisation's billing and usage of API queries) " +
      'or other queries of this team hold the slots (other tools, dashboards or runs using the query API of this project: stop them or wait for them). Waiting longer here cannot fix either.',
    429,
    { detail },
  );
}

/** What to do about a 401/403, from PostHog's detail (posthog/permissions.py, posthog/auth.py). */
export function authAdvice(detail: string | null): string {
  if (detail !== null && /scope/i.test(detail))
    return 'give the personal API key the query:read scope (or create one that has it)';
  if (detail !== null && /organization/i.test(detail))
    return 'give the personal API key access to the organisation of this project, or use a key of that organisation';
  if (detail !== null && /project/i.test(detail))
    return 'give the personal API key access to this project (its project scope), or check the project id';
  return 'check the key, that it has the query:read scope, and that it may read this project';
}

function errorFor(status: number, body: string, where: string): QueryError {
  const detail = errorDetail(body);
  const posthogDetail = detailOf(body);
  const withDetail = posthogDetail === null ? {} : { detail: posthogDetail };
  if (status === 401 || status === 403) {
    return new QueryError(
      'TARGET_AUTH',
      `query API at ${where} refused the personal API key (HTTP ${status}: ${detail}); ${authAdvice(posthogDetail)}`,
      status,
      withDetail,
    );
  }
  if (status === 400) {
    return new QueryError(
      'QUERY_REJECTED',
      `query API at ${where} rejected the query (HTTP 400): ${detail}`,
      status,
      withDetail,
    );
  }
  if (status === 404) {
    return new QueryError(
      'QUERY_NOT_FOUND',
      `query API at ${where} not found (HTTP 404): check queryUrl and projectId`,
      status,
    );
  }
  // 512 (estimated too slow) and 513 are PostHog's verdict on the query: asking again gives the same.
  if (status === 512 || status === 513) {
    return new QueryError(
      'QUERY_TOO_EXPENSIVE',
      `query API at ${where} refused the query as too expensive (HTTP ${status}): ${detail}`,
      status,
      withDetail,
    );
  }
  return new QueryError(
    status >= 500 ? 'QUERY_SERVER_ERROR' : 'QUERY_REFUSED',
    `query API at ${where} failed (HTTP ${status}): ${detail}`,
    status,
    withDetail,
  );
}

/** PostHog's `detail`, or null when the body is not its error shape. */
function detailOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown } | null;
    return typeof parsed?.detail === 'string' ? parsed.detail : null;
  } catch {
    return null;
  }
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
      'QUERY_ANSWER_UNREADABLE',
      `query API at ${where} answered 2xx with a body that is not JSON`,
      200,
      { cause: error },
    );
  }
  const p = parsed as { results?: unknown; columns?: unknown; hasMore?: unknown };
  if (!Array.isArray(p.results) || !p.results.every((r) => Array.isArray(r))) {
    throw new QueryError(
      'QUERY_ANSWER_INVALID',
      `query API at ${where} answered without a results array of rows; is this a PostHog query API?`,
      200,
    );
  }
  return {
    results: p.results as unknown[][],
    columns: Array.isArray(p.columns) ? p.columns.map(String) : [],
    hasMore: p.hasMore === true,
  };
}
