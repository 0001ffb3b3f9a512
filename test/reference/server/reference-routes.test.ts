// The capture and admin ports' routing, asked through `app.request()`: no port, no target.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCaptureHandler } from '../../../src/reference/capture/capture-handler.js';
import { createFlagsHandler } from '../../../src/reference/capture/flags-handler.js';
import { json, type HttpRequest } from '../../../src/reference/http-types.js';
import { NO_FAULTS, type FaultSpec } from '../../../src/reference/pipeline/fault-spec.js';
import { createAdminHandler } from '../../../src/reference/server/admin-handler.js';
import { createAdminApp, createCaptureApp } from '../../../src/reference/server/reference-routes.js';
import { anEvent, NOW, TOKEN } from '../capture/capture-requests.js';

const ORIGIN = 'https://app.example.com';

function captureApp() {
  const enqueued: number[] = [];
  const queried: HttpRequest[] = [];
  const app = createCaptureApp({
    capture: createCaptureHandler({
      enqueue: (events) => {
        enqueued.push(events.length);
        return Promise.resolve();
      },
      now: () => NOW,
    }),
    query: (request) => {
      queried.push(request);
      return json(200, { results: [] });
    },
    metrics: () => Promise.resolve('# metrics\n'),
    flags: createFlagsHandler({ isProjectToken: (t) => t === TOKEN, now: () => NOW.getTime() }),
  });
  return { app, enqueued, queried };
}

const batch = JSON.stringify({ api_key: TOKEN, batch: [anEvent()] });
const post = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', ...headers },
});

test('capture routes answer with and without the trailing slash; other paths are capture’s 404', async () => {
  const { app, enqueued } = captureApp();
  for (const path of ['/batch', '/batch/', '/e', '/i/v0/e/']) {
    const res = await app.request(path, post(batch, { origin: ORIGIN }));
    assert.equal(res.status, 200, path);
    assert.deepEqual(await res.json(), { status: 'Ok' });
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  }
  assert.deepEqual(enqueued, [1, 1, 1, 1]);
  for (const path of ['/batch//', '/batchx', '/e/x', '/BATCH/', '/b%61tch/']) {
    const res = await app.request(path, post(batch, { origin: ORIGIN }));
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN, path);
  }
  assert.equal(enqueued.length, 4);
  // Paths of other handlers never reach capture.
  for (const path of ['/metrics', '/api/projects/1/query/', '/', '/flags/?v=2'])
    await app.request(path, post(batch));
  assert.equal(enqueued.length, 4);
});

test('every capture response carries CORS headers, * without an Origin; health carries none', async () => {
  const { app } = captureApp();
  const bad = await app.request('/batch/', post('not json'));
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('access-control-allow-origin'), '*');
  assert.match(bad.headers.get('content-type') ?? '', /^text\/plain/);
  for (const path of ['/_readiness', '/_liveness', '/_liveness/']) {
    const health = await app.request(path);
    assert.equal(health.status, 200, path);
    assert.equal(health.headers.get('access-control-allow-origin'), null, path);
  }
});

test('a preflight on a capture route or an unknown path grants capture’s CORS', async () => {
  const { app, enqueued } = captureApp();
  for (const path of ['/e/', '/nowhere']) {
    const res = await app.request(path, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-headers': 'X-Custom' },
    });
    assert.equal(res.status, 204, path);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(', ');
    for (const h of ['content-type', 'content-encoding', 'x-custom']) assert.ok(allowed.includes(h), h);
    assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
  }
  assert.deepEqual(enqueued, []);
});

test('health, the query API, /metrics and flags reach their handlers', async () => {
  const { app, queried, enqueued } = captureApp();
  assert.equal((await app.request('/_liveness/')).status, 200);
  assert.equal((await app.request('/_readiness', { method: 'POST' })).status, 405);
  assert.equal((await app.request('/api/projects/7/query/', post('{}'))).status, 200);
  assert.equal((await app.request('/api/environments/7/query', post('{}'))).status, 200);
  // Paths like the query API's that are not it never reach its handler.
  for (const path of ['/api/projects/7/insights/', '/api/projects/7/query/some-id', '/api/projects/query/'])
    assert.equal((await app.request(path, post('{}'))).status, 404, path);
  assert.deepEqual(
    queried.map((r) => r.url),
    ['/api/projects/7/query/', '/api/environments/7/query'],
  );
  const metrics = await app.request('/metrics');
  assert.deepEqual([metrics.status, await metrics.text()], [200, '# metrics\n']);
  // /metrics is ours and exact: no trailing slash, GET only.
  assert.equal((await app.request('/metrics/')).status, 404);
  assert.equal((await app.request('/metrics', { method: 'POST' })).status, 404);
  assert.equal((await app.request('/m%65trics')).status, 404);
  const config = await app.request(`/array/${TOKEN}/config.js`);
  assert.equal(config.status, 200);
  assert.match(config.headers.get('content-type') ?? '', /javascript/);
  assert.equal((await app.request(`/array/${TOKEN}/config/`)).status, 200);
  assert.equal((await app.request('/array/phc_other/config')).status, 404);
  assert.equal((await app.request('/flags/?v=2', post(JSON.stringify({ token: TOKEN })))).status, 200);
  assert.equal((await app.request('/decide', post(JSON.stringify({ token: 'phc_other' })))).status, 401);
  assert.equal(enqueued.length, 0);
});

test('the admin port refuses a request without a loopback peer, and answers /admin/faults alone', async () => {
  let faults: FaultSpec = NO_FAULTS;
  const app = createAdminApp(createAdminHandler({ faults: () => faults, setFaults: (f) => (faults = f) }));
  // Without a socket there is no peer address, so not a loopback one (e2e/faults.test.ts posts from one).
  for (const path of ['/admin/faults', '/admin/faults/']) {
    const refused = await app.request(path, { method: 'POST', body: 'reject=503:0.5' });
    assert.equal(refused.status, 403, path);
  }
  assert.equal(faults.reject, null);
  const missing = await app.request('/metrics?token=secret');
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), 'No route for GET /metrics.');
});
