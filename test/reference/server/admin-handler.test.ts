import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdminHandler } from '../../../src/reference/server/admin-handler.js';
import { NO_FAULTS, type FaultSpec } from '../../../src/reference/pipeline/fault-spec.js';
import type { HttpRequest } from '../../../src/reference/http-types.js';

const req = (method: string, url: string, body = '', remoteAddress = '127.0.0.1'): HttpRequest => ({
  method,
  url,
  headers: {},
  body: Buffer.from(body),
  remoteAddress,
});

function setup() {
  let faults: FaultSpec = NO_FAULTS;
  const handler = createAdminHandler({ faults: () => faults, setFaults: (f) => (faults = f) });
  return { handler, faults: () => faults };
}

test('POST replaces the faults (plain or JSON body) and GET shows them', () => {
  const { handler, faults } = setup();
  const posted = handler(req('POST', '/admin/faults', 'reject=503:0.5,delay=1s'));
  assert.equal(posted?.status, 200);
  assert.deepEqual(faults().reject, { status: 503, probability: 0.5 });
  assert.equal(faults().delayMs, 1000);
  const shown = handler(req('GET', '/admin/faults'));
  assert.equal((JSON.parse(String(shown?.body)) as { spec: string }).spec, 'delay=1000ms,reject=503:0.5');
  handler(req('POST', '/admin/faults/', JSON.stringify({ spec: 'duplicate=0.1' })));
  assert.equal(faults().duplicate, 0.1);
  assert.equal(faults().reject, null, 'a POST replaces, it does not merge');
});

test('a bad spec is a 400 naming the part and leaves the faults alone', () => {
  const { handler, faults } = setup();
  handler(req('POST', '/admin/faults', 'duplicate=0.2'));
  const bad = handler(req('POST', '/admin/faults', 'duplicate=0.2,delay=soon'));
  assert.equal(bad?.status, 400);
  assert.match(String(bad?.body), /delay=soon/);
  assert.equal(faults().duplicate, 0.2);
  assert.equal(faults().delayMs, 0);
});

// Loopback peers only and /admin/faults alone: the route table's (server/reference-routes.test.ts).
test('methods other than GET and POST are 405 and change nothing', () => {
  const { handler, faults } = setup();
  assert.equal(handler(req('DELETE', '/admin/faults', 'reject=429:1'))?.status, 405);
  assert.equal(faults().reject, null);
});
