// Every body shape and encoding PostHog's capture accepts yields the same events.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import LZString from 'lz-string';
import { parseCaptureRequest } from '../../../src/reference/capture/parse-capture.js';
import { anEvent, NOW, parseOk, parseStatus, request, seededRandom, TOKEN } from './capture-requests.js';

// Chosen so that its base64 contains '+' and '/', which urlencoding mangles.
const EVENTS = [
  anEvent({ distinct_id: 'user-1', properties: { token: TOKEN, label: 'ÿ>>>??~~~', n: 1 } }),
  anEvent({ distinct_id: 'user-2', event: 'button clicked', properties: { token: TOKEN, n: 2 } }),
];
const JSON_TEXT = JSON.stringify(EVENTS);
const BASE64 = Buffer.from(JSON_TEXT).toString('base64');

function assertTheEvents(req: Parameters<typeof parseOk>[0]): void {
  const events = parseOk(req);
  assert.deepEqual(
    events.map((e) => [e.data['event'], e.distinctId, e.token, e.data['properties']]),
    EVENTS.map((e) => [e['event'], e['distinct_id'], TOKEN, e['properties']]),
  );
}

describe('body shapes', () => {
  test('the fixture payload really has base64 + and / (so the form cases test the + repair)', () => {
    assert.match(BASE64, /\+/);
    assert.match(BASE64, /\//);
  });

  test('JSON array of events', () => assertTheEvents(request('/e/', JSON_TEXT)));

  test('batch object with api_key, sent_at and historical_migration', () => {
    const body = {
      api_key: TOKEN,
      batch: EVENTS,
      sent_at: '2024-05-01T09:59:59.500+00:00',
      historical_migration: true,
    };
    const events = parseOk(request('/batch/', JSON.stringify(body)));
    assert.equal(events.length, 2);
    assert.ok(events.every((e) => e.sentAt === '2024-05-01T09:59:59.500Z' && e.historicalMigration));
  });

  test('batch object with `token` instead of api_key, events without tokens', () => {
    const events = parseOk(
      request('/batch', JSON.stringify({ token: TOKEN, batch: [anEvent(), anEvent()] })),
    );
    assert.deepEqual(
      events.map((e) => e.token),
      [TOKEN, TOKEN],
    );
    assert.ok(events.every((e) => e.sentAt === null && !e.historicalMigration));
  });

  test('a single event object', () => {
    const events = parseOk(request('/capture/', JSON.stringify(anEvent({ api_key: TOKEN }))));
    assert.equal(events.length, 1);
    assert.equal(events[0]?.token, TOKEN);
  });
});

describe('encodings', () => {
  const form = (data: string, extra = ''): ReturnType<typeof request> =>
    request('/e/', `data=${data}${extra}`, { 'content-type': 'application/x-www-form-urlencoded' });

  test('body wholly base64', () => assertTheEvents(request('/e/', BASE64, { 'content-type': 'text/plain' })));
  test('form data= with percent-encoded base64', () => assertTheEvents(form(encodeURIComponent(BASE64))));
  test('form data= with raw base64 (its + read back as spaces, then repaired)', () =>
    assertTheEvents(form(BASE64, '&ver=1.78.5')));
  test('form data= with compression=lz64 field', () =>
    assertTheEvents(
      form(encodeURIComponent(LZString.compressToBase64(JSON_TEXT)), '&compression=lz64&ver=1.2'),
    ));
  test('?compression=lz64 body', () =>
    assertTheEvents(
      request('/e/?compression=lz64', LZString.compressToBase64(JSON_TEXT), { 'content-type': 'text/plain' }),
    ));
  test('?compression=gzip-js body', () =>
    assertTheEvents(request('/e/?compression=gzip-js', gzipSync(JSON_TEXT))));
  test('?compression=gzip body', () => assertTheEvents(request('/e/?compression=gzip', gzipSync(JSON_TEXT))));
  test('Content-Encoding: gzip', () =>
    assertTheEvents(request('/batch/', gzipSync(JSON_TEXT), { 'content-encoding': 'gzip' })));
  test('gzip by magic bytes with no hint at all', () =>
    assertTheEvents(request('/i/v0/e/', gzipSync(JSON_TEXT))));
  test('gzip by magic bytes under a wrong lz64 hint', () =>
    assertTheEvents(request('/e/?compression=lz64', gzipSync(JSON_TEXT))));
  test('a gzip hint on a body that is not gzip is ignored', () =>
    assertTheEvents(request('/e/?compression=gzip-js', JSON_TEXT)));
  test('?compression=base64', () => assertTheEvents(request('/e/?compression=base64', BASE64)));
  test('base64 of gzip', () => assertTheEvents(request('/e/', gzipSync(JSON_TEXT).toString('base64'))));
  test('GET ?data= base64', () =>
    assertTheEvents(request(`/e/?data=${encodeURIComponent(BASE64)}`, '', {}, 'GET')));
  test('GET ?data= urlencoded JSON', () =>
    assertTheEvents(request(`/capture?data=${encodeURIComponent(JSON_TEXT)}`, '', {}, 'GET')));
  test('GET ?data= lz64 with ?compression=lz64', () =>
    assertTheEvents(
      request(
        `/e/?compression=lz64&data=${encodeURIComponent(LZString.compressToBase64(JSON_TEXT))}`,
        '',
        {},
        'GET',
      ),
    ));
});

describe('query parameters', () => {
  test('?beacon=1 asks for 204; other values do not', () => {
    const beacon = (url: string): boolean => {
      const result = parseCaptureRequest(request(url, JSON_TEXT), NOW);
      assert.ok(result.ok);
      return result.beacon;
    };
    assert.equal(beacon('/e/?beacon=1'), true);
    assert.equal(beacon('/e/?beacon=0'), false);
    assert.equal(beacon('/e/'), false);
  });

  test('?_= in milliseconds is the send time; seconds (older SDKs) are ignored', () => {
    assert.equal(parseOk(request('/e/?_=1714557599000', JSON_TEXT))[0]?.sentAt, '2024-05-01T09:59:59.000Z');
    assert.equal(parseOk(request('/e/?_=1714557599', JSON_TEXT))[0]?.sentAt, null);
  });

  test('a batch sent_at wins over ?_=, an unparseable sent_at is ignored', () => {
    const body = (sentAt: string) => JSON.stringify({ api_key: TOKEN, batch: [anEvent()], sent_at: sentAt });
    assert.equal(
      parseOk(request('/batch/?_=1714557599000', body('2024-05-01T09:00:00Z')))[0]?.sentAt,
      '2024-05-01T09:00:00.000Z',
    );
    assert.equal(parseOk(request('/batch/', body('yesterday')))[0]?.sentAt, null);
  });

  test('capture stamps now and the peer address', () => {
    const [event] = parseOk(request('/e/', JSON_TEXT));
    assert.equal(event?.now, NOW.toISOString());
    assert.equal(event?.ip, '127.0.0.1');
  });
});

describe('size limits', () => {
  const padded = (bytes: number): string => {
    const head = JSON.stringify({ api_key: TOKEN, batch: [anEvent()] });
    return head.slice(0, -1) + ' '.repeat(bytes - head.length) + '}';
  };

  test('/batch takes 20 MiB and refuses a byte more with 413', () => {
    assert.equal(parseStatus(request('/batch/', padded(20 * 1024 * 1024))), 200);
    assert.equal(parseStatus(request('/batch/', padded(20 * 1024 * 1024 + 1))), 413);
  });

  test('single-event routes take 2 MiB and refuse a byte more with 413', () => {
    assert.equal(parseStatus(request('/e/', padded(2 * 1024 * 1024))), 200);
    for (const path of ['/e/', '/i/v0/e/', '/capture', '/track/', '/engage']) {
      assert.equal(parseStatus(request(path, padded(2 * 1024 * 1024 + 1))), 413, path);
    }
  });

  test('a small gzip that inflates past the limit is refused with 413 (gzip bomb)', () => {
    const bomb = gzipSync(padded(3 * 1024 * 1024));
    assert.ok(bomb.length < 64 * 1024);
    assert.equal(parseStatus(request('/e/', bomb)), 413);
    assert.equal(parseStatus(request('/batch/', bomb)), 200);
  });

  test('an lz64 payload that inflates past the limit is refused with 413', () => {
    // Seeded random a/b text: it packs 7:1 and lz-string compresses it in about a second (a run
    // of one character would pack far better but takes lz-string's compressor minutes).
    const random = seededRandom(7);
    const text = Array.from({ length: 2 * 1024 * 1024 + 1 }, () => (random() < 0.5 ? 'a' : 'b')).join('');
    const packed = LZString.compressToBase64(text);
    assert.ok(packed.length < 2 * 1024 * 1024, 'the request itself is within the limit');
    assert.equal(parseStatus(request('/e/?compression=lz64', packed)), 413);
    assert.equal(
      parseStatus(request('/batch/?compression=lz64', packed)),
      400,
      'inflates within 20 MiB, but is no JSON',
    );
  });
});
