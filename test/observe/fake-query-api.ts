// A stand-in for PostHog's query API, for the poller's tests: node:http on 127.0.0.1:0 serving
// rows from an in-memory list, each row visible from its own commit time (read off the test's
// virtual clock). It understands exactly the HogQL the poller sends (rows by timestamp ranges with
// keyset cuts, per-class counts, the preflight count) and answers 400 to anything else. Like
// PostHog (posthog/hogql_queries/hogql_query_runner.py, hogql/user_query_validator.py): a LIMIT is
// clamped to 50,000 and the answer then carries no `hasMore`; OFFSET is refused with 400 "use
// keyset pagination"; optional throttles answer 429 (with Retry-After) past N a minute or an hour.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/clock.js';

export interface FakeRow {
  readonly uuid: string;
  readonly timestampMs: number;
  readonly run: string;
  readonly cls: 'anonymous' | 'identified';
  readonly commitAt: number;
  /** The created_at the API returns; the commit time when absent. */
  readonly createdAt?: number;
}

export interface LoggedRequest {
  readonly at: number;
  readonly query: string;
  readonly status: number;
  readonly authorization: string | undefined;
}

export interface FakeLimits {
  readonly perMinute?: number;
  readonly perHour?: number;
}

export interface FakeQueryApi {
  readonly url: string;
  readonly rows: FakeRow[];
  readonly log: LoggedRequest[];
  /** Throttles, changeable between tests (none by default). Requests it throttled are logged with 429. */
  limits: FakeLimits;
  /** Most requests answered at the same time. */
  readonly peakConcurrent: number;
  /** Real milliseconds to hold each answer (to make concurrency observable). Default 0. */
  answerDelayMs: number;
  /** Answer the next requests with this status (and headers) instead of results. */
  failNext(count: number, status: number, headers?: Record<string, string>, body?: string): void;
  /** Forget the failures failNext queued and not yet served. */
  clearFailures(): void;
  close(): Promise<void>;
}

const lit = String.raw`'((?:[^'\\]|\\.)*)'`;
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');
const MAX_SELECT_RETURNED_ROWS = 50_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

export async function startFakeQueryApi(
  clock: Clock,
  opts: { projectId: string; key: string },
): Promise<FakeQueryApi> {
  const rows: FakeRow[] = [];
  const log: LoggedRequest[] = [];
  const failures: { status: number; headers: Record<string, string>; body: string }[] = [];
  let limits: FakeLimits = {};
  let inFlight = 0;
  let peakConcurrent = 0;
  let answerDelayMs = 0;

  /** Seconds until a throttle window has room, or 0 when this request may pass. */
  function throttledFor(now: number): number {
    const accepted = log.filter((l) => l.status !== 429);
    for (const [windowMs, limit] of [
      [60_000, limits.perMinute],
      [3_600_000, limits.perHour],
    ] as const) {
      if (limit === undefined) continue;
      const inWindow = accepted.filter((l) => l.at > now - windowMs);
      if (inWindow.length >= limit)
        return Math.ceil((inWindow[inWindow.length - limit]!.at + windowMs - now) / 1000);
    }
    return 0;
  }

  function answer(query: string): { status: number; body: unknown } {
    const run = new RegExp(`properties\\.ingestbench_run = ${lit}`).exec(query);
    const visible = rows.filter((r) => r.commitAt <= clock.now());
    if (/^SELECT count\(\) FROM events WHERE timestamp >= toDateTime/.test(query)) {
      return { status: 200, body: { results: [[visible.length]], columns: ['count()'], hasMore: false } };
    }
    if (!run)
      return {
        status: 400,
        body: { type: 'validation_error', code: 'syntax_error', detail: `fake cannot run: ${query}` },
      };
    const ofRun = visible.filter((r) => r.run === unescape(run[1]!));
    if (query.includes('GROUP BY properties.ingestbench_class')) {
      const bound = new RegExp(
        `AND timestamp >= toDateTime\\(${lit}\\) AND timestamp < toDateTime\\(${lit}\\) GROUP BY`,
      ).exec(query);
      if (!bound)
        return {
          status: 400,
          body: { type: 'validation_error', code: 'unbounded', detail: 'count query without a time range' },
        };
      const [from, to] = [Date.parse(bound[1]!), Date.parse(bound[2]!)];
      const results = (['anonymous', 'identified'] as const)
        .map((cls) => {
          const mine = ofRun.filter((r) => r.cls === cls && r.timestampMs >= from && r.timestampMs < to);
          return [cls, mine.length, new Set(mine.map((r) => r.uuid)).size];
        })
        .filter((r) => r[1] !== 0);
      return {
        status: 200,
        body: { results, columns: ['event_class', 'row_count', 'uuid_count'], hasMore: false },
      };
    }
    const ranges = [
      ...query.matchAll(
        new RegExp(`\\(timestamp >= toDateTime\\(${lit}\\) AND timestamp < toDateTime\\(${lit}\\)\\)`, 'g'),
      ),
    ].map((m) => [Date.parse(m[1]!), Date.parse(m[2]!)]);
    const cut = new RegExp(
      `AND \\(timestamp > toDateTime\\(${lit}\\) OR \\(timestamp = toDateTime\\(${lit}\\) AND uuid >= ${lit}\\)\\) ORDER BY`,
    ).exec(query);
    if (/\bOFFSET\b/.test(query))
      return {
        status: 400,
        body: {
          type: 'validation_error',
          code: 'hogql_query_error',
          detail: 'OFFSET is not supported on queries made with a personal API key.',
          attr: null,
        },
      };
    const limit = /LIMIT (\d+)/.exec(query);
    if (ranges.length === 0 || !/ORDER BY timestamp ASC, uuid ASC/.test(query))
      return {
        status: 400,
        body: { type: 'validation_error', code: 'syntax_error', detail: `fake cannot run: ${query}` },
      };
    const after = cut ? { ms: Date.parse(cut[1]!), uuid: unescape(cut[3]!) } : null;
    const matching = ofRun
      .filter(
        (r) =>
          (after === null ||
            r.timestampMs > after.ms ||
            (r.timestampMs === after.ms && r.uuid >= after.uuid)) &&
          ranges.some(([a, b]) => r.timestampMs >= a! && r.timestampMs < b!),
      )
      .sort((a, b) => a.timestampMs - b.timestampMs || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    // PostHog: an explicit LIMIT is clamped to 50,000 and no hasMore is computed; without one the
    // paginator sends 100 rows and hasMore.
    const take = limit ? Math.min(MAX_SELECT_RETURNED_ROWS, Number(limit[1])) : 100;
    const page = matching.slice(0, take);
    return {
      status: 200,
      body: {
        results: page.map((r) => [r.uuid, iso(r.timestampMs), iso(r.createdAt ?? r.commitAt)]),
        columns: ['uuid', 'timestamp', 'created_at'],
        types: [],
        ...(limit ? {} : { hasMore: matching.length > page.length, limit: 100, offset: 0 }),
      },
    };
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight += 1;
      peakConcurrent = Math.max(peakConcurrent, inFlight);
      res.on('finish', () => void (inFlight -= 1));
      setTimeout(respond, answerDelayMs);
    });
    const respond = (): void => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: { kind: string; query: string };
        refresh: string;
      };
      const authorization = req.headers.authorization;
      const entry = (status: number): void =>
        void log.push({ at: clock.now(), query: parsed.query.query, status, authorization });
      const failure = failures.shift();
      const wait = failure ? 0 : throttledFor(clock.now());
      if (wait > 0) {
        entry(429);
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(wait) })
          .end(
            JSON.stringify({ type: 'throttled_error', code: 'throttled', detail: 'Request was throttled.' }),
          );
        return;
      }
      if (failure) {
        entry(failure.status);
        res
          .writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers })
          .end(failure.body);
        return;
      }
      if (req.url !== `/api/projects/${opts.projectId}/query/` || authorization !== `Bearer ${opts.key}`) {
        entry(401);
        res.writeHead(401, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            type: 'authentication_error',
            code: 'authentication_failed',
            detail: 'bad key',
          }),
        );
        return;
      }
      const { status, body } =
        parsed.refresh === 'force_blocking' && parsed.query.kind === 'HogQLQuery'
          ? answer(parsed.query.query)
          : { status: 400, body: { detail: 'expected a blocking HogQLQuery' } };
      entry(status);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rows,
    log,
    get limits() {
      return limits;
    },
    set limits(value: FakeLimits) {
      limits = value;
    },
    get peakConcurrent() {
      return peakConcurrent;
    },
    get answerDelayMs() {
      return answerDelayMs;
    },
    set answerDelayMs(value: number) {
      answerDelayMs = value;
    },
    failNext(count, status, headers = {}, body = '{"detail":"injected"}') {
      for (let i = 0; i < count; i += 1) failures.push({ status, headers, body });
    },
    clearFailures() {
      failures.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
