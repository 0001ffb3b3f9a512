// Records what the official posthog-node SDK really sends to capture, in the requests_dump.jsonl
// format of PostHog's own corpus (`path`, `method`, `content_type`, `content_encoding`, `ip`,
// `now`, `body` = base64 of the raw HTTP body, `output` = the events capture must produce).
// `output` comes from the SDK itself (its 'flush' event lists the messages each request carried),
// never from our parser, so replaying the corpus checks the parser against the SDK.
//
// A plain node:http server on 127.0.0.1:0 answers every request 200 {"status":"Ok"}; the SDK runs
// twice, gzip on (its default) and off (`disableCompression`). To re-record the committed corpus
// test/fixtures/recorded/posthog-node.jsonl after an SDK upgrade:
//   npx tsc -p tsconfig.json && INGESTBENCH_RECORD=1 node --test dist/test/reference/capture/posthog-node-recording.test.js

import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { PostHog } from 'posthog-node';

/** One line of a capture corpus (PostHog's requests_dump.jsonl shape). */
export interface CorpusEntry {
  readonly path: string;
  readonly method: string;
  readonly content_type: string;
  readonly content_encoding: string;
  readonly ip: string;
  readonly now: string;
  readonly body: string;
  readonly historical_migration?: boolean;
  readonly output: readonly CorpusOutput[];
}

export interface CorpusOutput {
  readonly uuid: string;
  readonly distinct_id: string;
  readonly ip: string;
  readonly data: string;
  readonly now: string;
  readonly sent_at: string;
  readonly token: string;
}

interface RawRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly now: string;
}

/** A made-up project token: the corpus must never hold a real one. */
export const RECORDING_TOKEN = 'phc_ingestbench_recorded_fixture_token';

type Message = Record<string, unknown>;

export async function recordPosthogNode(): Promise<{ sdkVersion: string; entries: CorpusEntry[] }> {
  const requests: RawRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        url: req.url ?? '/',
        method: req.method ?? 'GET',
        headers: req.headers,
        body: Buffer.concat(chunks),
        now: new Date().toISOString(),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Ok"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const entries: CorpusEntry[] = [];
    for (const gzip of [true, false]) {
      const before = requests.length;
      const flushes = await driveSdk(host, gzip);
      const sent = requests.slice(before).filter((r) => r.url.startsWith('/batch'));
      if (sent.length !== flushes.length) {
        throw new Error(`posthog-node sent ${sent.length} batch requests for ${flushes.length} flushes`);
      }
      sent.forEach((request, i) => entries.push(entryOf(request, flushes[i] ?? [])));
    }
    return { sdkVersion: sdkVersionOf(entries), entries };
  } finally {
    server.close();
  }
}

// A little of everything a server SDK sends: plain and personless captures, groups, identify,
// alias, group identify, a caller-chosen uuid and timestamp, and a second flush.
async function driveSdk(host: string, gzip: boolean): Promise<Message[][]> {
  const client = new PostHog(RECORDING_TOKEN, {
    host,
    flushAt: 100,
    flushInterval: 0,
    disableCompression: !gzip,
    fetchRetryCount: 0,
    preloadFeatureFlags: false,
  });
  const flushes: Message[][] = [];
  client.on('flush', (messages: Message[]) => flushes.push(messages));
  let expected = 0;
  let enqueued = 0;
  let allEnqueued: () => void = () => undefined;
  for (const type of ['capture', 'identify', 'alias', 'groupIdentify']) {
    client.on(type, () => {
      enqueued++;
      if (enqueued === expected) allEnqueued();
    });
  }
  const round = async (calls: (() => void)[]): Promise<void> => {
    const done = new Promise<void>((resolve) => (allEnqueued = resolve));
    expected += calls.length;
    calls.forEach((call) => call());
    if (enqueued < expected) await done;
    await client.flush();
  };

  const tag = gzip ? 'gzip' : 'plain';
  await round([
    () =>
      client.capture({
        distinctId: `user-${tag}-1`,
        event: 'project created',
        properties: { plan: 'pro', seats: 3 },
      }),
    () =>
      client.capture({
        distinctId: `anon-${tag}-1`,
        event: 'page viewed',
        properties: { $process_person_profile: false, $current_url: 'https://example.com/pricing' },
      }),
    () =>
      client.capture({
        distinctId: `user-${tag}-1`,
        event: 'report exported',
        groups: { company: 'acme' },
        properties: { format: 'csv', rows: 1200, nested: { a: [1, 2, { b: 'ü' }] } },
      }),
    () =>
      client.identify({
        distinctId: `user-${tag}-1`,
        properties: { email: 'ada@example.com', $set_once: { first: 1 } },
      }),
    () => client.alias({ distinctId: `user-${tag}-1`, alias: `anon-${tag}-1` }),
    () => client.groupIdentify({ groupType: 'company', groupKey: 'acme', properties: { name: 'Acme Inc' } }),
    () =>
      client.capture({
        distinctId: `user-${tag}-2`,
        event: 'signed up',
        uuid: gzip ? '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f' : '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8ea0',
        timestamp: new Date('2024-07-01T12:00:00.000Z'),
      }),
  ]);
  await round([
    () =>
      client.capture({ distinctId: `user-${tag}-3`, event: 'invoice paid', properties: { amount: 99.5 } }),
  ]);
  await client.shutdown();
  return flushes;
}

function entryOf(request: RawRequest, messages: readonly Message[]): CorpusEntry {
  const encoding = request.headers['content-encoding'] ?? '';
  // Only sent_at is read back from the wire (the SDK stamps it at send time); events come from the SDK.
  const raw = encoding === 'gzip' ? gunzipSync(request.body) : request.body;
  const sentAt = (JSON.parse(raw.toString('utf8')) as { sent_at?: string }).sent_at ?? '';
  return {
    path: request.url,
    method: request.method,
    content_type: request.headers['content-type'] ?? '',
    content_encoding: encoding,
    ip: '127.0.0.1',
    now: request.now,
    body: request.body.toString('base64'),
    output: messages.map((m) => ({
      uuid: String(m['uuid']),
      distinct_id: String(m['distinct_id']),
      ip: '127.0.0.1',
      data: JSON.stringify(m),
      now: request.now,
      sent_at: sentAt,
      token: RECORDING_TOKEN,
    })),
  };
}

function sdkVersionOf(entries: readonly CorpusEntry[]): string {
  const data = entries[0]?.output[0]?.data;
  const properties =
    data === undefined
      ? undefined
      : (JSON.parse(data) as { properties?: Record<string, unknown> }).properties;
  const lib = properties?.['$lib'];
  const version = properties?.['$lib_version'];
  return `${typeof lib === 'string' ? lib : 'posthog-node'} ${typeof version === 'string' ? version : '?'}`;
}
