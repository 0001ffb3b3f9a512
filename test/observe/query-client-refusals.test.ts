// What waiting cannot fix ends at once, with PostHog's own words: held 429s (every concurrency
// slot taken), 512/513 and 400 with PostHog's detail, 401/403 with the detail and the fix. A
// small query API on 127.0.0.1 answers each case as PostHog's source does; the virtual clock
// stands in for the 30 s the server holds a query, so these tests do not wait for it.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { runTag } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient, QueryError } from '../../src/observe/query-client.js';
import { explainTargetError } from '../../src/targets/explain-target-error.js';
import { VirtualClock } from './virtual-clock.js';

const KEY = 'phx_refusals_test_key';
const T0 = Date.UTC(2026, 0, 1, 12);

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  /** Virtual milliseconds the server "holds" the request before answering. */
  readonly holdMs?: number;
}

const OK: Answer = { status: 200, body: { results: [[0]], columns: ['count()'] } };
/** PostHog's answer when no concurrency slot freed within its 30 s wait (api/query.py, limit.py). */
const HELD_429: Answer = {
  status: 429,
  holdMs: 30_000,
  body: {
    type: 'throttled_error',
    code: 'throttled',
    detail: 'Exceeded maximum concurrency limit: 0 for key: api:query:per-team:7 and task: 1a2b3c',
    attr: null,
  },
};
const scope403: Answer = {
  status: 403,
  body: {
    type: 'authentication_error',
    code: 'permission_denied',
    detail: "API key missing required scope 'query:read'",
    attr: null,
  },
};
const project403: Answer = {
  status: 403,
  body: {
    type: 'authentication_error',
    code: 'permission_denied',
    detail: 'API key does not have access to the requested project: ID 7.',
    attr: null,
  },
};
const TOO_SLOW: Answer = {
  status: 512,
  body: {
    type: 'server_error',
    code: 'error',
    detail: 'Estimated query execution time is too long. Try reducing its scope by changing the time range.',
    attr: null,
  },
};

/** What a promise rejected with (null when it resolved). */
const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (e: unknown) => e,
  );

describe('query client: refusals waiting cannot fix', () => {
  const clock = new VirtualClock(T0);
  let answers: Answer[] = [];
  let requests = 0;
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        const answer = answers.shift() ?? OK;
        // The server holding the request, on the test's clock.
        if (answer.holdMs !== undefined) void clock.sleep(answer.holdMs);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    createQueryClient({ queryUrl: url, projectId: '7', personalKey: KEY, budgetPerMinute: 1000, clock });
  const serve = (...list: Answer[]): void => {
    answers = list;
    requests = 0;
  };

  it('two held 429s in a row: slots held, naming the API-queries quota and the team’s other queries', async () => {
    serve(HELD_429, HELD_429, OK);
    const error = await failureOf(client().preflight());
    assert.ok(error instanceof QueryError, String(error));
    assert.deepEqual(
      [error.code, error.status, error.transient, error.exitCode],
      ['QUERY_SLOTS_HELD', 429, false, 3],
    );
    assert.equal(requests, 2, 'stopped after the second held answer, not eight retries');
    assert.match(error.message, /API-queries quota/);
    assert.match(error.message, /other queries of this team/);
    assert.match(error.message, /Exceeded maximum concurrency limit: 0/, "PostHog's detail is shown");
    assert.ok(!error.message.includes(KEY));
    // The preflight names it as it is (the client's words already say what to check).
    assert.equal(explainTargetError(error, { queryUrl: url, projectId: '7' }), error);
  });

  it('one held 429 then an answer is not a refusal; quick 429s without Retry-After are a throttle', async () => {
    serve(HELD_429, OK);
    assert.deepEqual((await client().query('SELECT 1')).results, [[0]]);
    assert.equal(requests, 2);
    const quick = { ...HELD_429, holdMs: 0 };
    serve(quick, quick, quick);
    const c = createQueryClient({
      queryUrl: url,
      projectId: '7',
      personalKey: KEY,
      budgetPerMinute: 1000,
      clock,
      maxThrottleRetries: 2,
    });
    const error = await failureOf(c.query('SELECT 1'));
    assert.ok(error instanceof QueryError);
    assert.equal(error.code, 'QUERY_THROTTLED');
    assert.equal(error.transient, true);
    assert.equal(requests, 3);
  });

  it("a 403 keeps PostHog's detail and says the fix: the query:read scope", async () => {
    serve(scope403);
    const error = await failureOf(client().preflight());
    assert.ok(error instanceof QueryError);
    assert.deepEqual([error.code, error.status], ['TARGET_AUTH', 403]);
    assert.equal(error.detail, "API key missing required scope 'query:read'");
    const explained = explainTargetError(error, { queryUrl: url, projectId: '7' });
    assert.ok(explained instanceof Error && 'code' in explained);
    assert.equal((explained as { code: string }).code, 'TARGET_AUTH');
    assert.match(explained.message, /PostHog says "API key missing required scope 'query:read'"/);
    assert.match(explained.message, /give the personal API key the query:read scope/);
  });

  it('a 403 for the project says to give the key access to it, or to check the project id', async () => {
    serve(project403);
    const error = await failureOf(client().query('SELECT 1'));
    assert.ok(error instanceof QueryError);
    const explained = explainTargetError(error, { queryUrl: url, projectId: '7' }) as Error;
    assert.match(explained.message, /does not have access to the requested project: ID 7/);
    assert.match(explained.message, /access to this project \(its project scope\), or check the project id/);
  });

  it("512 (estimated too slow) is permanent, with PostHog's detail; so is 513", async () => {
    for (const status of [512, 513]) {
      serve({ ...TOO_SLOW, status });
      const error = await failureOf(client().query('SELECT 1'));
      assert.ok(error instanceof QueryError);
      assert.deepEqual(
        [error.code, error.transient, error.status, requests],
        ['QUERY_TOO_EXPENSIVE', false, status, 1],
      );
      assert.match(error.message, /Estimated query execution time is too long/);
    }
  });

  /** A ledger of `n` acknowledged events of one worker, for the poller. */
  function acknowledged(n: number): Ledger {
    const ledger = Ledger.allocate([n]);
    const shard = ledger.shard(0);
    for (let seq = 0; seq < n; seq += 1) {
      shard.setIntended(seq, clock.now() - 1000 + seq);
      shard.setAck(seq, clock.now() - 900 + seq);
      shard.status[seq] = EventStatus.acknowledged;
      shard.flags[seq] = LedgerFlag.measured;
    }
    return ledger;
  }

  it('during a run, 512 ends observation at once as query refused, its events unverified', async () => {
    // Every poll's first query is refused: the poller must not ask again until the drain deadline.
    serve(TOO_SLOW, TOO_SLOW, TOO_SLOW);
    const runId = 'too-slow-run';
    const poller = startPoller({
      client: client(),
      ledger: acknowledged(4),
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
    });
    const started = clock.now();
    const result = await poller.drain(600_000);
    assert.equal(result.endReason, 'query refused');
    assert.match(result.endDetail ?? '', /HTTP 512\): error: Estimated query execution time is too long/);
    assert.deepEqual([result.complete, result.unverified], [false, 4]);
    assert.ok(clock.now() - started < 60_000, 'ended at once, not at the drain deadline');
  });

  it("during a run, a 400 ends observation at once as query refused, with PostHog's detail", async () => {
    const rejected: Answer = {
      status: 400,
      body: {
        type: 'validation_error',
        code: 'syntax_error',
        detail: "Syntax error at line 1, column 7: mismatched input 'FORM'",
        attr: null,
      },
    };
    serve(rejected, rejected, rejected);
    const runId = 'rejected-run';
    const poller = startPoller({
      client: client(),
      ledger: acknowledged(2),
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
    });
    const started = clock.now();
    const result = await poller.drain(600_000);
    assert.equal(result.endReason, 'query refused');
    assert.match(result.endDetail ?? '', /HTTP 400\): syntax_error: Syntax error at line 1, column 7/);
    assert.deepEqual([result.complete, result.unverified], [false, 2]);
    assert.ok(clock.now() - started < 60_000, 'ended at once, not at the drain deadline');
  });

  it('during a run, held slots end observation as query API refusing', async () => {
    serve(...Array.from({ length: 6 }, () => HELD_429));
    const runId = 'held-run';
    const poller = startPoller({
      client: client(),
      ledger: acknowledged(3),
      runId,
      runTag: runTag(runId),
      pollIntervalMs: 1000,
      clock,
    });
    const result = await poller.drain(600_000);
    assert.equal(result.endReason, 'query API refusing');
    assert.match(result.endDetail ?? '', /API-queries quota/);
    assert.deepEqual([result.complete, result.unverified], [false, 3]);
  });
});
