// A stand-in for PostHog's query API, for the poller's tests: node:http on 127.0.0.1:0 serving
// rows from an in-memory list, each row visible from its own commit time (read off the test's
// virtual clock). It understands exactly the HogQL the poller sends (rows by timestamp ranges,
// per-class counts, the preflight count) and answers 400 to anything else, like PostHog would.

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

export interface FakeQueryApi {
  readonly url: string;
  readonly rows: FakeRow[];
  readonly log: LoggedRequest[];
  /** Answer the next requests with this status (and headers) instead of results. */
  failNext(count: number, status: number, headers?: Record<string, string>, body?: string): void;
  close(): Promise<void>;
}

const lit = String.raw`'((?:[^'\\]|\\.)*)'`;
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');
const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

export async function startFakeQueryApi(
  clock: Clock,
  opts: { projectId: string; key: string },
): Promise<FakeQueryApi> {
  const rows: FakeRow[] = [];
  const log: LoggedRequest[] = [];
  const failures: { status: number; headers: Record<string, string>; body: string }[] = [];

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
      const results = (['anonymous', 'identified'] as const)
        .map((cls) => {
          const mine = ofRun.filter((r) => r.cls === cls);
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
    const cut = new RegExp(`AND timestamp >= toDateTime\\(${lit}\\) ORDER BY`).exec(query);
    const limit = /LIMIT (\d+)/.exec(query);
    if (ranges.length === 0 || !limit)
      return {
        status: 400,
        body: { type: 'validation_error', code: 'syntax_error', detail: `fake cannot run: ${query}` },
      };
    const offset = Number(/OFFSET (\d+)/.exec(query)?.[1] ?? 0);
    const from = cut ? Date.parse(cut[1]!) : -Infinity;
    const matching = ofRun
      .filter(
        (r) => r.timestampMs >= from && ranges.some(([a, b]) => r.timestampMs >= a! && r.timestampMs < b!),
      )
      .sort((a, b) => a.timestampMs - b.timestampMs || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    const page = matching.slice(offset, offset + Number(limit[1]));
    return {
      status: 200,
      body: {
        results: page.map((r) => [r.uuid, iso(r.timestampMs), iso(r.createdAt ?? r.commitAt)]),
        columns: ['uuid', 'timestamp', 'created_at'],
        types: [],
        hasMore: matching.length > offset + page.length,
        limit: Number(limit[1]),
        offset,
      },
    };
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: { kind: string; query: string };
        refresh: string;
      };
      const authorization = req.headers.authorization;
      const entry = (status: number): void =>
        void log.push({ at: clock.now(), query: parsed.query.query, status, authorization });
      const failure = failures.shift();
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
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rows,
    log,
    failNext(count, status, headers = {}, body = '{"detail":"injected"}') {
      for (let i = 0; i < count; i += 1) failures.push({ status, headers, body });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
