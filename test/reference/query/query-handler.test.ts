// The query API end to end through the pure handler, on a store file as the reference target
// runs it (a writer connection and a separate read-only connection for the handler).

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import type { HttpResponse } from '../../../src/reference/http-types.js';
import { createHogQLParser } from '../../../src/reference/query/parse-hogql.js';
import { createQueryHandler, type QueryDeps } from '../../../src/reference/query/query-handler.js';
import {
  fileStore,
  inProcessExecutor,
  insertEvents,
  KEY,
  memoryStore,
  PROJECT,
  queryRequest,
  T0,
  uuidFor,
} from './store-fixture.js';

const NOW = T0 + 60_000;
const store = fileStore();
after(() => store.cleanup());

let throttleNext = false;
let throttleCalls = 0;
const parser = await createHogQLParser();
const deps: QueryDeps = {
  execute: inProcessExecutor(store.readDb, parser),
  projectIds: new Set([PROJECT, 8]),
  personalKeys: ['phx_other_key', KEY],
  now: () => NOW,
  throttle: () => {
    throttleCalls += 1;
    return throttleNext;
  },
};
const handle = createQueryHandler(deps);

async function send(
  ...args: Parameters<typeof queryRequest>
): Promise<{ status: number; res: HttpResponse; body: Record<string, unknown> }> {
  const res = await handle(queryRequest(...args));
  const text = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
  return { status: res.status, res, body: JSON.parse(text) as Record<string, unknown> };
}

const RUN_QUERY =
  "SELECT uuid, timestamp FROM events WHERE properties.ingestbench_run = 'r1' ORDER BY timestamp LIMIT 3";

describe('createQueryHandler', () => {
  test('answers a HogQLQuery in PostHog’s response shape', async () => {
    const { status, res, body } = await send(RUN_QUERY);
    assert.equal(status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(body['results'], [
      [uuidFor(0), '2026-01-01T00:00:00Z'],
      [uuidFor(1), '2026-01-01T00:00:01Z'],
      [uuidFor(2), '2026-01-01T00:00:02Z'],
    ]);
    assert.deepEqual(body['columns'], ['uuid', 'timestamp']);
    assert.deepEqual(body['types'], [
      ['uuid', 'UUID'],
      ['timestamp', "DateTime64(6, 'UTC')"],
    ]);
    assert.equal('hasMore' in body, false, 'an explicit LIMIT says nothing about more rows');
    assert.equal(body['limit'], 3);
    assert.equal(body['offset'], 0);
    assert.equal(body['query'], RUN_QUERY);
    assert.equal(body['is_cached'], false);
    assert.equal(body['last_refresh'], '2026-01-01T00:01:00Z');
    assert.equal(body['timezone'], 'UTC');
    assert.equal(body['error'], null);
    assert.ok(Array.isArray(body['timings']));
  });

  test('rows written after the handler started are visible to the next query', async () => {
    const before = await send("SELECT count() FROM events WHERE properties.ingestbench_run = 'late'");
    insertEvents(store.db, [{ uuid: uuidFor(900), timestamp: T0, properties: { ingestbench_run: 'late' } }]);
    const afterInsert = await send("SELECT count() FROM events WHERE properties.ingestbench_run = 'late'");
    assert.deepEqual([before.body['results'], afterInsert.body['results']], [[[0]], [[1]]]);
  });

  // Which paths reach the handler is the route table's: server/reference-routes.test.ts.
  test('paths: projects and environments, with or without the slash', async () => {
    for (const url of [
      '/api/projects/7/query',
      '/api/environments/7/query/',
      '/api/projects/7/query/?refresh=1',
    ]) {
      assert.equal((await send(RUN_QUERY, { url })).status, 200, url);
    }
  });

  test('a missing key is 401 with a Bearer challenge, a wrong key 403, in PostHog’s error shape', async () => {
    const missing = await send(RUN_QUERY, { key: null });
    assert.equal(missing.status, 401);
    assert.equal(missing.res.headers['www-authenticate'], 'Bearer');
    assert.deepEqual(missing.body, {
      type: 'authentication_error',
      code: 'not_authenticated',
      detail: 'Authentication credentials were not provided.',
      attr: null,
    });
    for (const key of ['phx_wrong', 'phc_project_token', KEY.slice(0, -1), `${KEY}x`]) {
      const wrong = await send(RUN_QUERY, { key });
      assert.equal(wrong.status, 403, key);
      assert.deepEqual(wrong.body, {
        type: 'authentication_error',
        code: 'authentication_failed',
        detail: 'Personal API key found in request Authorization header is invalid.',
        attr: null,
      });
      assert.ok(!JSON.stringify(wrong.body).includes(key), 'the key is never echoed');
    }
    const basic = await handle({ ...queryRequest(RUN_QUERY), headers: { authorization: `Basic ${KEY}` } });
    assert.equal(basic?.status, 401, 'only Bearer carries a personal key');
  });

  test('the key may also come in the body or the query string, as PostHog accepts', async () => {
    const inBody = await send('', {
      key: null,
      body: { personal_api_key: KEY, query: { kind: 'HogQLQuery', query: RUN_QUERY } },
    });
    assert.equal(inBody.status, 200);
    const inQuery = await send(RUN_QUERY, {
      key: null,
      url: `/api/projects/7/query/?personal_api_key=${KEY}`,
    });
    assert.equal(inQuery.status, 200);
    const wrongInQuery = await send(RUN_QUERY, {
      key: null,
      url: '/api/projects/7/query/?personal_api_key=phx_nope',
    });
    assert.equal(wrongInQuery.status, 403);
    assert.match(String(wrongInQuery.body['detail']), /found in request query string is invalid/);
  });

  test('unknown projects are 404 after authentication', async () => {
    for (const project of [9, 'abc', '7.0', '-7', '99999999999999999999']) {
      const res = await send(RUN_QUERY, { project });
      assert.equal(res.status, 404, String(project));
      assert.deepEqual(res.body, {
        type: 'invalid_request',
        code: 'not_found',
        detail: 'Project not found.',
        attr: null,
      });
    }
    assert.equal((await send(RUN_QUERY, { project: 9, key: null })).status, 401);
  });

  test('the other project sees only its own rows', async () => {
    const res = await send("SELECT uuid FROM events WHERE properties.ingestbench_run = 'r1'", { project: 8 });
    assert.deepEqual(res.body['results'], [[uuidFor(200)]]);
  });

  test('the throttle answers 429 in PostHog’s shape, after authentication', async () => {
    throttleNext = true;
    try {
      const calls = throttleCalls;
      assert.equal((await send(RUN_QUERY, { key: null })).status, 401);
      assert.equal(throttleCalls, calls, 'unauthenticated requests do not use the budget');
      const res = await send(RUN_QUERY);
      assert.equal(res.status, 429);
      assert.deepEqual(res.body, {
        type: 'throttled_error',
        code: 'throttled',
        detail: 'Request was throttled.',
        attr: null,
      });
      assert.equal(throttleCalls, calls + 1);
    } finally {
      throttleNext = false;
    }
    assert.equal((await send(RUN_QUERY)).status, 200);
  });

  test('only POST', async () => {
    const res = await send(RUN_QUERY, { method: 'GET' });
    assert.equal(res.status, 405);
    assert.equal(res.body['code'], 'method_not_allowed');
    assert.equal(res.res.headers['allow'], 'POST');
  });

  test('refresh takes PostHog’s values; every one computes now', async () => {
    for (const refresh of [
      'force_blocking',
      'blocking',
      'async',
      'force_cache',
      'lazy_async',
      true,
      false,
      null,
      undefined,
    ]) {
      const res = await send('', { body: { query: { kind: 'HogQLQuery', query: RUN_QUERY }, refresh } });
      assert.equal(res.status, 200, String(refresh));
      assert.equal((res.body['results'] as unknown[]).length, 3);
    }
    const bad = await send('', {
      body: { query: { kind: 'HogQLQuery', query: RUN_QUERY }, refresh: 'sometimes' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      [bad.body['type'], bad.body['code'], bad.body['attr']],
      ['validation_error', 'invalid_input', 'refresh'],
    );
  });

  test('malformed bodies are 400 validation errors that say what to send', async () => {
    const cases: [body: unknown, code: string, detail: RegExp][] = [
      ['{"query": ', 'parse_error', /^JSON parse error - /],
      [[1, 2], 'invalid_input', /must be a JSON object/],
      [{ refresh: 'force_blocking' }, 'required', /query: This field is required/],
      [
        { query: { kind: 'EventsQuery', select: ['*'] } },
        'invalid_input',
        /query\.kind "EventsQuery" is not supported.*HogQLQuery/,
      ],
      [{ query: { kind: 'HogQLQuery' } }, 'required', /query\.query: This field is required/],
      [{ query: { kind: 'HogQLQuery', query: '   ' } }, 'required', /query\.query/],
      [
        { query: { kind: 'HogQLQuery', query: RUN_QUERY, values: { x: 1 } } },
        'invalid_input',
        /query\.values is not supported/,
      ],
      [
        { query: { kind: 'HogQLQuery', query: RUN_QUERY, filters: { dateRange: {} } } },
        'invalid_input',
        /query\.filters/,
      ],
    ];
    for (const [body, code, detail] of cases) {
      const res = await send('', { body: typeof body === 'string' ? body : body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body['type'], 'validation_error');
      assert.equal(res.body['code'], code, JSON.stringify(body));
      assert.match(String(res.body['detail']), detail);
    }
    const emptyValues = await send('', {
      body: { query: { kind: 'HogQLQuery', query: RUN_QUERY, values: {} } },
    });
    assert.equal(emptyValues.status, 200);
  });

  test('HogQL the target cannot run is a 400 naming the construct', async () => {
    const join = await send('SELECT e.uuid FROM events e JOIN persons p ON p.id = e.person_id');
    assert.equal(join.status, 400);
    assert.equal(join.body['type'], 'validation_error');
    assert.equal(join.body['code'], 'hogql_query_error');
    assert.equal(join.body['attr'], null);
    assert.match(String(join.body['detail']), /^JOIN is not supported/);
    const syntax = await send('SELECT uuid FROM events WHERE');
    assert.equal(syntax.body['code'], 'hogql_syntax_error');
    const unknown = await send('SELECT uuid, plan FROM events');
    assert.match(String(unknown.body['detail']), /Unknown column plan/);
  });

  test('constructs the harness never sends are refused: 400 in PostHog’s validation shape, naming them', async () => {
    // Each was supported once and removed: the compiler keeps to what the harness and its tests
    // send (the list is in src/reference/query/compile-hogql.ts).
    const where = "FROM events WHERE properties.ingestbench_run = 'r1'";
    const removed: [string, RegExp][] = [
      [
        `SELECT uniq(uuid) ${where}`,
        /^The function uniq\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT uniqExact(uuid) ${where}`,
        /^The function uniqExact\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT min(timestamp) ${where}`,
        /^The function min\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT max(timestamp) ${where}`,
        /^The function max\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT now() ${where}`,
        /^The function now\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT intDiv(1, 2) ${where}`,
        /^The function intDiv\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT toInt(properties.n) ${where}`,
        /^The function toInt\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT toInt64(properties.n) ${where}`,
        /^The function toInt64\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT toUnixTimestamp(timestamp) ${where}`,
        /^The function toUnixTimestamp\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT toUnixTimestamp64Milli(timestamp) ${where}`,
        /^The function toUnixTimestamp64Milli\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT toDateTime64('2026-01-01') ${where}`,
        /^The function toDateTime64\(\) \(supported: count, toDateTime, toStartOfInterval\) is not supported/,
      ],
      [
        `SELECT toDateTime('2026-01-01', 'UTC') ${where}`,
        /^toDateTime\(\) with a timezone .*is not supported/,
      ],
      [
        `SELECT uuid ${where} AND timestamp BETWEEN '2026-01-01' AND '2026-01-02'`,
        /^BETWEEN .*is not supported/,
      ],
      [
        `SELECT uuid ${where} AND timestamp NOT BETWEEN '2026-01-01' AND '2026-01-02'`,
        /^BETWEEN .*is not supported/,
      ],
      [
        `SELECT uuid ${where} AND (timestamp, uuid) > ('2026-01-01', 'u')`,
        /^A tuple comparison .*is not supported/,
      ],
      [
        `SELECT uuid ${where} AND timestamp > now() - INTERVAL 5 MINUTE`,
        /^Arithmetic \(the operator -\) is not supported/,
      ],
      [`SELECT timestamp + INTERVAL 1 DAY ${where}`, /^Arithmetic \(the operator \+\) is not supported/],
      [
        `SELECT uuid ${where} AND properties.n IS NULL`,
        /^NULL \(also IS NULL and IS NOT NULL\) is not supported/,
      ],
      [
        `SELECT uuid ${where} AND properties.n IS NOT NULL`,
        /^NULL \(also IS NULL and IS NOT NULL\) is not supported/,
      ],
      [`SELECT uuid ${where} AND properties.b = true`, /^The literals true and false is not supported/],
      [`SELECT uuid ${where} AND properties.ingestbench_seq > 5`, /^Ordering a property .*is not supported/],
      [
        "SELECT e.uuid FROM events AS e WHERE e.event = 'x'",
        /^A table alias \(FROM events AS …\) is not supported/,
      ],
      [`SELECT person.id ${where}`, /^The field person\.id .*is not supported/],
    ];
    for (const [hogql, detail] of removed) {
      const { status, body } = await send(hogql);
      assert.equal(status, 400, hogql);
      assert.deepEqual(
        [body['type'], body['code'], body['attr']],
        ['validation_error', 'hogql_query_error', null],
        hogql,
      );
      assert.match(String(body['detail']), detail, hogql);
    }
  });

  test('a store failure is a 500 in PostHog’s shape, without details', async () => {
    const db = memoryStore();
    const broken = createQueryHandler({
      ...deps,
      execute: inProcessExecutor(db, parser),
      throttle: () => false,
    });
    db.close();
    const res = await broken(queryRequest(RUN_QUERY));
    assert.equal(res?.status, 500);
    assert.deepEqual(JSON.parse(String(res?.body)), {
      type: 'server_error',
      code: 'error',
      detail: 'A server error occurred.',
      attr: null,
    });
  });
});
