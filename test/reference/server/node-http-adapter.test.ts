import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { json, text, type HttpRequest } from '../../../src/reference/http-types.js';
import {
  dispatch,
  listenHttp,
  urlHost,
  type HttpListener,
} from '../../../src/reference/server/node-http-adapter.js';

const seen: HttpRequest[] = [];
let listener: HttpListener;

before(async () => {
  listener = await listenHttp({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1024,
    handlers: [
      (r) => (r.url.startsWith('/first') ? text(200, 'first') : null),
      // An async handler, as capture and query are.
      (r) => {
        if (!r.url.startsWith('/echo')) return Promise.resolve(null);
        seen.push(r);
        return Promise.resolve(json(201, { bytes: r.body.length, method: r.method }));
      },
      (r) => {
        if (r.url === '/boom') throw new Error('handler bug');
        return null;
      },
    ],
  });
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

test('handlers are tried in order; the first answer wins; 404 otherwise', async () => {
  assert.deepEqual(await send('/first', null).then((r) => [r.status, r.body]), [200, 'first']);
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

test('a throwing handler is a 500, and the server keeps serving', async () => {
  assert.equal((await send('/boom', null)).status, 500);
  assert.equal((await send('/first', null)).status, 200);
});

test('dispatch is usable without sockets', async () => {
  const handle = dispatch([() => null, () => text(418, 'teapot')]);
  const response = await handle({
    method: 'GET',
    url: '/',
    headers: {},
    body: Buffer.alloc(0),
    remoteAddress: '',
  });
  assert.equal(response.status, 418);
});

test('wildcard listen addresses are reached through loopback in URLs', () => {
  assert.equal(urlHost('0.0.0.0'), '127.0.0.1');
  assert.equal(urlHost('::'), '[::1]');
  assert.equal(urlHost('::1'), '[::1]');
  assert.equal(urlHost('127.0.0.1'), '127.0.0.1');
});
