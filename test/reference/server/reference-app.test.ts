import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { json, text, type HttpRequest } from '../../../src/reference/http-types.js';
import {
  createApp,
  handle,
  listenHttp,
  noRoute,
  urlHost,
  type HttpListener,
} from '../../../src/reference/server/reference-app.js';

const seen: HttpRequest[] = [];
const app = createApp({ maxBodyBytes: 1024, notFound: noRoute });
app.get(
  '/first',
  handle(() => text(200, 'first')),
);
// An async handler, as capture and query are.
app.all(
  '/echo',
  handle((r) => {
    seen.push(r);
    return Promise.resolve(json(201, { bytes: r.body.length, method: r.method }));
  }),
);
app.get(
  '/boom',
  handle(() => {
    throw new Error('handler bug');
  }),
);
app.get(
  '/declines',
  handle(() => null),
);

let listener: HttpListener;
before(async () => {
  listener = await listenHttp({ host: '127.0.0.1', port: 0, app });
});
after(() => listener.close());

function send(path: string, body: Buffer | null, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = httpRequest(
        `${listener.url}${path}`,
        { method: body === null ? 'GET' : 'POST', headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              headers: res.headers,
            }),
          );
        },
      );
      req.on('error', reject);
      if (body !== null) req.write(body);
      req.end();
    },
  );
}

test('routes answer without a port; a handler that declines and an unknown path are 404', async () => {
  const first = await app.request('/first');
  assert.deepEqual([first.status, await first.text()], [200, 'first']);
  const echo = await app.request('/echo?x=1', {
    method: 'POST',
    body: 'hello',
    headers: { 'X-Custom': 'A' },
  });
  assert.equal(echo.status, 201);
  assert.deepEqual(await echo.json(), { bytes: 5, method: 'POST' });
  const last = seen.at(-1);
  assert.equal(last?.url, '/echo?x=1');
  assert.equal(last?.headers['x-custom'], 'A');
  assert.equal(last?.body.toString(), 'hello');
  assert.equal((await app.request('/declines')).status, 404);
  const missing = await app.request('/nowhere?q=secret');
  assert.equal(missing.status, 404);
  assert.doesNotMatch(await missing.text(), /secret/, 'the query string is not echoed');
});

test('on a port: the request as received, with the peer address', async () => {
  const echo = await send('/echo?x=1', Buffer.from('hello'), { 'X-Custom': 'A' });
  assert.equal(echo.status, 201);
  assert.deepEqual(JSON.parse(echo.body), { bytes: 5, method: 'POST' });
  const last = seen.at(-1);
  assert.equal(last?.url, '/echo?x=1');
  assert.equal(last?.headers['x-custom'], 'A');
  assert.equal(last?.body.toString(), 'hello');
  assert.match(last?.remoteAddress ?? '', /127\.0\.0\.1$/);
  const missing = await send('/nowhere?q=secret', null);
  assert.equal(missing.status, 404);
  assert.doesNotMatch(missing.body, /secret/, 'the query string is not echoed');
});

test('a body over the cap is 413, declared or streamed, and the connection closes', async () => {
  const declared = await send('/echo', Buffer.alloc(2048, 1));
  assert.equal(declared.status, 413);
  assert.equal(declared.headers['connection'], 'close');
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      `${listener.url}/echo`,
      { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    for (let i = 0; i < 4; i++) req.write(Buffer.alloc(512, 2));
    req.end();
  });
  assert.equal(chunked, 413);
  // Exactly at the cap is fine.
  assert.equal((await send('/echo', Buffer.alloc(1024, 3))).status, 201);
});

test('the cap holds without a port too', async () => {
  const over = await app.request('/echo', { method: 'POST', body: Buffer.alloc(1025, 1) });
  assert.equal(over.status, 413);
  assert.equal((await app.request('/echo', { method: 'POST', body: Buffer.alloc(1024, 1) })).status, 201);
});

test('a throwing handler is a 500, and the server keeps serving', async () => {
  assert.equal((await send('/boom', null)).status, 500);
  assert.equal((await send('/first', null)).status, 200);
  assert.equal((await app.request('/boom')).status, 500);
});

test('wildcard listen addresses are reached through loopback in URLs', () => {
  assert.equal(urlHost('0.0.0.0'), '127.0.0.1');
  assert.equal(urlHost('::'), '[::1]');
  assert.equal(urlHost('::1'), '[::1]');
  assert.equal(urlHost('127.0.0.1'), '127.0.0.1');
});
