import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackAddress, refuseNonLoopback } from '../../../src/reference/server/loopback-only.js';

test('loopback addresses in IPv4, IPv6 and mapped form pass', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
    assert.equal(isLoopbackAddress(a), true, a);
  }
});

test('other peers are refused', () => {
  for (const a of [
    '10.0.0.1',
    '192.168.1.20',
    '::ffff:10.1.1.1',
    'fe80::1',
    '',
    '128.0.0.1',
    '1127.0.0.1',
    '::ffff:1.127.0.0',
  ]) {
    assert.equal(isLoopbackAddress(a), false, a);
  }
});

test('refuseNonLoopback answers 403 for a remote peer and null for loopback', () => {
  const request = (remoteAddress: string) => ({
    method: 'GET',
    url: '/admin/faults',
    headers: {},
    body: Buffer.alloc(0),
    remoteAddress,
  });
  assert.equal(refuseNonLoopback(request('127.0.0.1')), null);
  const refused = refuseNonLoopback(request('203.0.113.9'));
  assert.equal(refused?.status, 403);
  assert.match(String(refused?.body), /loopback/);
});
