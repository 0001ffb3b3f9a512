// The probe preflight on its own: a capture server on 127.0.0.1 that records each probe event, a
// query client that decides when (or whether) a probe becomes visible, and a virtual clock, so a
// two-minute wait and the resends of a dropped probe take milliseconds. The probe's HogQL is
// checked against PostHog's own grammar (@posthog/hogql-parser).

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import createHogQLParser from '@posthog/hogql-parser';
import { IngestbenchError } from '../../src/errors.js';
import type { QueryClient, QueryResponse } from '../../src/observe/query-client.js';
import { probePreflight, probeQuery } from '../../src/targets/probe-preflight.js';
import { VirtualClock } from '../observe/virtual-clock.js';
import { createKeyBudget } from '../../src/observe/key-budget.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const RUN = '20261130-120000-abc123';
const TOKEN = 'phc_probeUnitToken';

interface ProbeEvent {
  readonly event: string;
  readonly uuid: string;
  readonly distinct_id: string;
  readonly properties: Record<string, unknown>;
}

let server: Server;
let captureUrl: string;
/** Statuses capture answers, in order; 200 once they run out. */
let answers: number[] = [];
const received: ProbeEvent[] = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

before(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((text) => {
      const status = answers.shift() ?? 200;
      const body = JSON.parse(text) as { api_key: string; batch: ProbeEvent[] };
      assert.equal(body.api_key, TOKEN);
      if (status === 200) received.push(...body.batch);
      res.writeHead(status).end(status === 200 ? '{"status":"Ok"}' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  captureUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  received.length = 0;
});

/** A query client whose answers list the probes `visible(n)` says are visible at its n-th query. */
function fakeClient(
  clock: VirtualClock,
  visible: (query: number) => readonly string[],
): QueryClient & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    query(hogql: string): Promise<QueryResponse> {
      texts.push(hogql);
      const sentAt = clock.now();
      return Promise.resolve({
        results: visible(texts.length).map((uuid) => [uuid]),
        columns: ['uuid'],
        hasMore: false,
        sentAt,
        receivedAt: sentAt + 40,
      });
    },
    preflight: () => Promise.resolve(),
    budget: createKeyBudget({ perMinute: 240, perHour: 2400, concurrent: 3 }),
    stats: () => ({
      queries: texts.length,
      throttled: 0,
      failed: 0,
      peakPerMinute: texts.length,
      peakPerHour: texts.length,
      limits: { perMinute: 240, perHour: 2400, concurrent: 3 },
    }),
  };
}

const options = (clock: VirtualClock, client: QueryClient, timeoutMs = 120_000) => ({
  captureUrl,
  token: TOKEN,
  client,
  runId: RUN,
  timeoutMs,
  clock,
});

describe('probePreflight', () => {
  it('sends one marked, personless, class-neutral probe and returns once the query API shows it', async () => {
    const clock = new VirtualClock(T0);
    // Visible from the third query on.
    const client = fakeClient(clock, (n) => (n >= 3 ? received.map((e) => e.uuid) : []));
    const result = await probePreflight(options(clock, client));
    assert.equal(received.length, 1);
    const probe = received[0]!;
    assert.equal(probe.event, 'ingestbench probe');
    assert.equal(probe.distinct_id, `ingestbench-probe-${RUN}`);
    assert.deepEqual(probe.properties, {
      ingestbench_probe: RUN,
      $process_person_profile: false,
      $lib: 'ingestbench',
    });
    assert.equal(result.sent, 1);
    assert.equal(result.queries, 3);
    // Sent at T0, polled after 200 ms and 400 ms of (virtual) waiting, answered 40 ms later.
    assert.equal(result.latencyMs, 600 + 40);
    assert.deepEqual(clock.sleeps, [200, 400]);
    assert.equal(client.texts[0], probeQuery(RUN, T0));
  });

  it('resends a probe that never shows (dropped by ingestion) and counts the one that does', async () => {
    const clock = new VirtualClock(T0);
    // Only the second probe ever becomes visible.
    const client = fakeClient(clock, () => received.slice(1).map((e) => e.uuid));
    const result = await probePreflight(options(clock, client));
    assert.equal(result.sent, 2);
    assert.equal(received.length, 2);
    assert.notEqual(received[0]!.uuid, received[1]!.uuid);
    assert.ok(clock.now() - T0 >= 5_000, 'the resend waited for the first probe for 5 s');
  });

  it('gives up at the timeout with TARGET_PROBE_UNSEEN naming the causes and the settings', async () => {
    const clock = new VirtualClock(T0);
    const client = fakeClient(clock, () => []);
    const error = await probePreflight({
      ...options(clock, client, 60_000),
      settings: {
        token: 'POSTHOG_PROJECT_API_KEY',
        project: 'POSTHOG_PROJECT_ID',
        queryHost: 'POSTHOG_QUERY_HOST',
      },
    }).then(
      () => assert.fail('expected the preflight to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof IngestbenchError);
    assert.equal(error.code, 'TARGET_PROBE_UNSEEN');
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /POSTHOG_PROJECT_API_KEY belongs to another project than POSTHOG_PROJECT_ID/);
    assert.match(error.message, /another region than POSTHOG_QUERY_HOST/);
    assert.match(error.message, /billing quota/);
    assert.ok(!error.message.includes(TOKEN));
    assert.ok(clock.now() - T0 >= 60_000 && clock.now() - T0 < 62_000, `${clock.now() - T0} ms`);
    // Resent at 5 s, 15 s and 35 s after the first: four probes within a minute.
    assert.equal(received.length, 4);
  });

  it('retries a probe capture answers with 503 or 429, and refuses a 401 as TARGET_AUTH', async () => {
    const clock = new VirtualClock(T0);
    answers = [503, 429];
    const client = fakeClient(clock, () => received.map((e) => e.uuid));
    const result = await probePreflight(options(clock, client));
    assert.equal(result.sent, 1);
    assert.deepEqual(clock.sleeps.slice(0, 2), [250, 500]);

    answers = [401];
    await assert.rejects(probePreflight(options(new VirtualClock(T0), client)), { code: 'TARGET_AUTH' });
  });
});

describe('probeQuery', () => {
  it('is HogQL that PostHog accepts: no OFFSET, bounded in time, on the probe property', async () => {
    const parser = await createHogQLParser();
    const text = probeQuery("run-with-'quote", T0);
    const ast = JSON.parse(parser.parseSelect(text)) as { error?: boolean; message?: string };
    assert.notEqual(ast.error, true, ast.message);
    assert.doesNotMatch(text, /OFFSET/i);
    assert.match(text, /properties\.ingestbench_probe = 'run-with-\\'quote'/);
    assert.match(
      text,
      /timestamp >= toDateTime\('2026-11-30T11:50:00\.000Z'\) AND timestamp < toDateTime\('2026-11-30T12:10:00\.000Z'\)/,
    );
  });
});
