// Malformed input of every class gets PostHog's 4xx, is never enqueued, and never makes the
// handler throw; then 10,000 seeded random requests check the same at scale.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { HttpRequest } from '../../../src/reference/http-types.js';
import { createCaptureHandler } from '../../../src/reference/capture/capture-handler.js';
import { anEvent, batchRequest, NOW, request, seededRandom, TOKEN } from './capture-requests.js';

function spyHandler() {
  let enqueued = 0;
  const handle = createCaptureHandler({
    enqueue: () => {
      enqueued++;
      return Promise.resolve();
    },
    now: () => NOW,
  });
  return { handle, enqueued: () => enqueued };
}

const validJson = JSON.stringify({ api_key: TOKEN, batch: [anEvent(), anEvent({ distinct_id: 'user-2' })] });
const validGzip = gzipSync(validJson);

const MALFORMED: [name: string, status: number, req: HttpRequest][] = [
  ['not JSON', 400, request('/batch/', '{"api_key": "phc_x", "batch": [')],
  ['empty body', 400, request('/batch/', '')],
  ['invalid UTF-8', 400, request('/batch/', Buffer.from([0x5b, 0xff, 0xfe, 0x5d]))],
  ['bad base64 under compression=base64', 400, request('/e/?compression=base64', 'eyJldmVudCI6!!!!')],
  ['bad lz64 under compression=lz64', 400, request('/e/?compression=lz64', '%%%not-lz-string%%%')],
  [
    'bad gzip (magic bytes, then garbage)',
    400,
    request('/batch/', Buffer.from([0x1f, 0x8b, 0x08, 1, 2, 3, 4, 5, 6, 7, 8])),
  ],
  ['truncated gzip', 400, request('/batch/', validGzip.subarray(0, validGzip.length - 12))],
  [
    'form content type without form data',
    400,
    request('/e/', validJson, { 'content-type': 'application/x-www-form-urlencoded' }),
  ],
  ['batch is not an array', 400, request('/batch', JSON.stringify({ api_key: TOKEN, batch: {} }))],
  ['properties is not an object', 400, batchRequest([anEvent({ properties: [1, 2] })])],
  ['missing event', 400, batchRequest([{ distinct_id: 'u', properties: {} }])],
  ['missing distinct_id', 400, batchRequest([anEvent({ distinct_id: undefined })])],
  ['invalid uuid', 400, batchRequest([anEvent({ uuid: 'nope' })])],
  ['empty batch', 400, batchRequest([])],
  ['empty array', 400, request('/e/', '[]')],
  ['no token', 401, request('/e/', JSON.stringify([anEvent()]))],
  [
    'mixed tokens',
    401,
    request('/e/', JSON.stringify([anEvent({ token: 'phc_a' }), anEvent({ token: 'phc_b' })])),
  ],
  ['phx_ personal key', 401, batchRequest([anEvent()], { api_key: 'phx_personal' })],
  ['oversize body on /batch', 413, request('/batch/', Buffer.alloc(20 * 1024 * 1024 + 1, 0x20))],
  ['oversize body on /e', 413, request('/e/', Buffer.alloc(2 * 1024 * 1024 + 1, 0x20))],
];

describe('malformed requests', () => {
  for (const [name, status, req] of MALFORMED) {
    test(`${name} → ${status}, nothing enqueued`, async () => {
      const { handle, enqueued } = spyHandler();
      const res = await handle(req);
      assert.equal(res?.status, status, res?.body.toString());
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
      assert.ok(res.body.length > 0, 'a 4xx says what was wrong');
      assert.equal(enqueued(), 0);
    });
  }
});

// Field values that each rule accepts or refuses, combined at random into requests.
const FIELD_CHOICES: Record<string, readonly unknown[]> = {
  event: ['page viewed', 'page viewed', 'page viewed', undefined, '', 7, null],
  distinct_id: ['u1', 'u1', undefined, '', 42, null, { a: 1 }],
  token: [undefined, TOKEN, 'phc_other', 'phx_personal', '', 5],
  uuid: [undefined, '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f', 'bad', ''],
  properties: [undefined, {}, { token: TOKEN }, { token: TOKEN }, { distinct_id: 'p' }, [], 'x'],
  timestamp: [undefined, '2024-05-01T00:00:00Z', '2024-05-01T00:00:00Z', 12],
};

function randomEnvelope(random: () => number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const events = Array.from({ length: Math.floor(random() * 4) }, () =>
    Object.fromEntries(Object.entries(FIELD_CHOICES).map(([key, choices]) => [key, pick(choices)])),
  );
  switch (Math.floor(random() * 3)) {
    case 0:
      return events;
    case 1:
      return { api_key: pick([undefined, TOKEN, 'phx_k', 3]), batch: events };
    default:
      return events[0] ?? {};
  }
}

const PATHS = [
  '/e',
  '/e/',
  '/i/v0/e/',
  '/capture',
  '/track/',
  '/engage/',
  '/batch',
  '/batch/',
  '/test/black_hole',
];
const QUERIES = [
  '',
  '?compression=gzip-js',
  '?compression=lz64',
  '?compression=base64',
  '?beacon=1',
  '?ver=1&_=1714557600000',
];
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];

describe('fuzz', () => {
  test('10,000 seeded random requests: 4xx for garbage, 200 only when enqueued, never a throw', async () => {
    const random = seededRandom(0x1ce57);
    const int = (n: number): number => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
    const { handle, enqueued } = spyHandler();
    const seen = new Map<number, number>();

    for (let i = 0; i < 10_000; i++) {
      const kind = int(9);
      const path = pick(PATHS);
      let body: Buffer;
      let canBeValid = false;
      switch (kind) {
        case 0:
          body = bytes(int(300));
          break;
        case 1:
          body = gzipSync(bytes(int(300)));
          break;
        case 2:
          body = Buffer.from(bytes(1 + int(300)).toString('base64'));
          break;
        case 3:
          body = Buffer.from(
            `data=${encodeURIComponent(bytes(int(200)).toString('latin1'))}&compression=${pick(['lz64', 'gzip', 'base64', 'x'])}`,
          );
          break;
        case 4:
          body = Buffer.from(Buffer.from(bytes(int(200)).toString('latin1')).toString('base64'));
          break;
        case 5:
          body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), bytes(int(200))]);
          break;
        case 8:
          body = Buffer.from(JSON.stringify(randomEnvelope(random)));
          canBeValid = true;
          break;
        default: {
          // A valid request with a few bytes flipped: reaches the deeper rules, may stay valid.
          body = Buffer.from(kind === 6 ? validJson : validGzip);
          for (let flips = 1 + int(3); flips > 0; flips--) body[int(body.length)] = int(256);
          canBeValid = true;
        }
      }
      const get = int(10) === 0;
      const url = get
        ? `${path}?data=${encodeURIComponent(body.toString('latin1'))}`
        : `${path}${pick(QUERIES)}`;
      const contentType = kind === 8 ? 'application/json' : pick(CONTENT_TYPES);
      const req = request(url, get ? '' : body, { 'content-type': contentType }, get ? 'GET' : 'POST');

      const before = enqueued();
      const res = await handle(req);
      assert.ok(res !== null, `${url}: capture route answered null`);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      const accepted = res.status === 200 || res.status === 204;
      if (!accepted || !canBeValid) {
        assert.ok(
          [400, 401, 413].includes(res.status),
          `request ${i} (${kind}) on ${url}: status ${res.status}`,
        );
      }
      const expectEnqueue = accepted && !path.startsWith('/test/black_hole');
      assert.equal(enqueued() - before, expectEnqueue ? 1 : 0, `request ${i}: enqueue on ${res.status}`);
    }
    // The inputs reached every layer: decoding and shape (400), token rules (401), acceptance.
    const counts = JSON.stringify([...seen]);
    assert.ok((seen.get(400) ?? 0) > 1000, counts);
    assert.ok((seen.get(401) ?? 0) > 30, counts);
    assert.ok((seen.get(200) ?? 0) + (seen.get(204) ?? 0) > 30, counts);
  });
});
