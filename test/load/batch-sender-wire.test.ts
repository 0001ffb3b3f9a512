// What the batch sender puts on the wire, recorded by a plain node:http server on 127.0.0.1: the
// method, path, headers and body bytes of one gzip batch. A change to the request path (undici's
// API, prebuilt headers) must leave these exactly as they are.

import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { systemClock } from '../../src/clock.js';
import { LoadHistograms } from '../../src/core/latency-histogram.js';
import { BatchBodyWriter } from '../../src/generate/batch-body.js';
import { Prng } from '../../src/generate/prng.js';
import { BatchSender } from '../../src/load/batch-sender.js';
import { LoadTally } from '../../src/load/load-tally.js';

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const recorded: Recorded[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    recorded.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"Ok"}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a gzip batch goes out as POST to the capture path with exactly these headers and bytes', async () => {
  const tally = new LoadTally(systemClock.now());
  const sender = new BatchSender(
    {
      captureUrl: `http://127.0.0.1:${port}/base/`,
      endpoint: '/batch/',
      maxInFlight: 2,
      requestTimeoutMs: 5_000,
      maxRetries: 0,
      clock: systemClock,
      signal: new AbortController().signal,
      random: new Prng(1),
    },
    null,
    tally,
    new LoadHistograms(),
  );
  const body = new BatchBodyWriter('phc_wire').encode(['{"event":"a"}', '{"event":"b"}'], 'gzip');
  const now = systemClock.now();
  sender.send(0, 2, body, now, { intended: [now, now], flags: [0, 0] });
  await sender.close();
  assert.equal(tally.totals().acknowledged, 2);
  assert.equal(recorded.length, 1);
  const [request] = recorded;
  assert.equal(request?.method, 'POST');
  assert.equal(request.url, '/base/batch/');
  assert.deepEqual(request.headers, {
    host: `127.0.0.1:${port}`,
    connection: 'keep-alive',
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': String(body.body.length),
  });
  assert.deepEqual(request.body, body.body);
  assert.equal(
    gunzipSync(request.body).toString('utf8'),
    '{"api_key":"phc_wire","batch":[{"event":"a"},{"event":"b"}]}',
  );
});
