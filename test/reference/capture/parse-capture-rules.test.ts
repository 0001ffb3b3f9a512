// Capture's rules for tokens and event fields, as PostHog's capture applies them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventClassOf, parseCaptureRequest } from '../../../src/reference/capture/parse-capture.js';
import { isUuidV7 } from '../../../src/reference/capture/capture-uuid.js';
import { anEvent, batchRequest, NOW, parseOk, parseStatus, request, TOKEN } from './capture-requests.js';

const arrayOf = (...events: unknown[]) => request('/e/', JSON.stringify(events));
const one = (fields: Record<string, unknown>) => parseOk(batchRequest([anEvent(fields)]))[0];
const statusOf = (fields: Record<string, unknown>) => parseStatus(batchRequest([anEvent(fields)]));

describe('token', () => {
  test('found per event in token, $token, api_key, else properties.token', () => {
    for (const field of ['token', '$token', 'api_key']) {
      assert.equal(parseOk(arrayOf(anEvent({ [field]: TOKEN })))[0]?.token, TOKEN, field);
    }
    assert.equal(parseOk(arrayOf(anEvent({ properties: { token: TOKEN } })))[0]?.token, TOKEN);
  });

  test('the top-level token is preferred to properties.token of the same event', () => {
    assert.equal(
      parseOk(arrayOf(anEvent({ token: TOKEN, properties: { token: 'phc_other' } })))[0]?.token,
      TOKEN,
    );
  });

  test('events that agree, or carry none, share the token', () => {
    const events = parseOk(
      arrayOf(anEvent({ token: TOKEN }), anEvent(), anEvent({ properties: { token: TOKEN } })),
    );
    assert.deepEqual(
      events.map((e) => e.token),
      [TOKEN, TOKEN, TOKEN],
    );
  });

  test('different tokens in one request → 401, whoever carries them', () => {
    assert.equal(parseStatus(arrayOf(anEvent({ token: 'phc_a' }), anEvent({ token: 'phc_b' }))), 401);
    assert.equal(
      parseStatus(arrayOf(anEvent({ token: 'phc_a' }), anEvent({ properties: { token: 'phc_b' } }))),
      401,
    );
    assert.equal(parseStatus(batchRequest([anEvent({ token: 'phc_other' })])), 401);
    assert.equal(
      parseStatus(
        request('/batch', JSON.stringify({ api_key: 'phc_a', token: 'phc_b', batch: [anEvent()] })),
      ),
      401,
    );
    assert.equal(parseStatus(arrayOf(anEvent({ token: 'phc_a', api_key: 'phc_b' }))), 401);
  });

  test('shape: missing, empty, too long, non-ASCII, NUL or a personal key → 401', () => {
    assert.equal(parseStatus(arrayOf(anEvent())), 401);
    for (const bad of ['', '   ', 'x'.repeat(65), 'phc_ünïcode', 'phc_a\0b', 'phx_personal_key']) {
      assert.equal(parseStatus(batchRequest([anEvent()], { api_key: bad })), 401, JSON.stringify(bad));
    }
    assert.equal(parseOk(batchRequest([anEvent()], { api_key: 'x'.repeat(64) }))[0]?.token, 'x'.repeat(64));
  });

  test('surrounding whitespace is trimmed (a pasted key with a newline still works)', () => {
    assert.equal(parseOk(batchRequest([anEvent()], { api_key: ` ${TOKEN}\n` }))[0]?.token, TOKEN);
  });

  test('a 401 message never repeats the token', () => {
    const result = parseCaptureRequest(
      batchRequest([anEvent()], { api_key: 'phx_secret_personal_key' }),
      NOW,
    );
    assert.ok(!result.ok && result.status === 401);
    assert.doesNotMatch(result.message, /secret_personal_key/);
  });

  test('a token that is not a string → 400', () => {
    assert.equal(parseStatus(arrayOf(anEvent({ token: 42 }))), 400);
    assert.equal(
      parseStatus(request('/batch', JSON.stringify({ api_key: ['phc_a'], batch: [anEvent()] }))),
      400,
    );
  });
});

describe('event name', () => {
  test('missing, null, empty or not a string → 400', () => {
    assert.equal(parseStatus(batchRequest([{ distinct_id: 'u' }])), 400);
    assert.equal(statusOf({ event: null }), 400);
    assert.equal(statusOf({ event: '' }), 400);
    assert.equal(statusOf({ event: 7 }), 400);
  });

  test('/engage turns an event without `event` into $identify, in the event data too', () => {
    const body = JSON.stringify({ token: TOKEN, distinct_id: 'u1', $set: { email: 'a@b.c' } });
    const [event] = parseOk(request('/engage/', body));
    assert.equal(event?.data['event'], '$identify');
    assert.deepEqual(event?.data['$set'], { email: 'a@b.c' });
    assert.equal(
      parseOk(request('/engage', JSON.stringify({ ...anEvent(), token: TOKEN })))[0]?.data['event'],
      'page viewed',
    );
    assert.equal(parseStatus(request('/capture', body)), 400);
  });
});

describe('distinct_id', () => {
  test('taken from distinct_id, $distinct_id, else properties.distinct_id; the root wins', () => {
    assert.equal(one({ distinct_id: 'root' })?.distinctId, 'root');
    assert.equal(one({ distinct_id: undefined, $distinct_id: 'dollar' })?.distinctId, 'dollar');
    assert.equal(one({ distinct_id: undefined, properties: { distinct_id: 'prop' } })?.distinctId, 'prop');
    assert.equal(one({ distinct_id: null, properties: { distinct_id: 'prop' } })?.distinctId, 'prop');
    assert.equal(one({ distinct_id: 23, properties: { distinct_id: 'prop' } })?.distinctId, '23');
  });

  test('non-strings are stringified (containers as compact JSON with sorted keys)', () => {
    assert.equal(one({ distinct_id: 23.4 })?.distinctId, '23.4');
    assert.equal(one({ distinct_id: true })?.distinctId, 'true');
    assert.equal(one({ distinct_id: ['a', 'b'] })?.distinctId, '["a","b"]');
    assert.equal(one({ distinct_id: { string: 'a', number: 3 } })?.distinctId, '{"number":3,"string":"a"}');
  });

  test('cut to 200 characters, counting code points', () => {
    assert.equal(one({ distinct_id: 'a'.repeat(250) })?.distinctId, 'a'.repeat(200));
    const emoji = '😀'.repeat(201);
    assert.equal(one({ distinct_id: emoji })?.distinctId, '😀'.repeat(200));
    assert.equal(one({ distinct_id: 'é'.repeat(200) })?.distinctId, 'é'.repeat(200));
  });

  test('NUL becomes U+FFFD', () => {
    assert.equal(one({ distinct_id: 'a\0b' })?.distinctId, 'a\uFFFDb');
  });

  test('missing, null or empty → 400', () => {
    assert.equal(statusOf({ distinct_id: undefined }), 400);
    assert.equal(statusOf({ distinct_id: null }), 400);
    assert.equal(statusOf({ distinct_id: '' }), 400);
    assert.equal(statusOf({ distinct_id: '', properties: { distinct_id: 'prop' } }), 400);
  });
});

describe('uuid', () => {
  test('kept when sent, in canonical lower-case form', () => {
    assert.equal(
      one({ uuid: '0190F5D2-7B3A-7C41-8E2F-4A5B6C7D8E9F' })?.uuid,
      '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f',
    );
    assert.equal(
      one({ uuid: '0190f5d27b3a7c418e2f4a5b6c7d8e9f' })?.uuid,
      '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f',
    );
    assert.equal(
      one({ uuid: 'f4b76ba7-e0ff-4da7-90d5-6e90f68edc2e' })?.uuid,
      'f4b76ba7-e0ff-4da7-90d5-6e90f68edc2e',
    );
  });

  test('generated as a UUIDv7 of capture time when absent, null or empty, and written into the event', () => {
    for (const uuid of [undefined, null, '']) {
      const event = one({ uuid });
      assert.ok(event !== undefined && isUuidV7(event.uuid), String(event?.uuid));
      assert.equal(event.data['uuid'], event.uuid);
      assert.equal(parseInt(event.uuid.replace('-', '').slice(0, 12), 16), NOW.getTime());
    }
    const [a, b] = parseOk(batchRequest([anEvent(), anEvent()]));
    assert.notEqual(a?.uuid, b?.uuid);
  });

  test('not a uuid → 400', () => {
    for (const uuid of [
      'not-a-uuid',
      '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9',
      '0190f5d2x7b3a-7c41-8e2f-4a5b6c7d8e9f',
      42,
    ]) {
      assert.equal(statusOf({ uuid }), 400, JSON.stringify(uuid));
    }
  });
});

describe('JSON types', () => {
  test('wrong types → 400', () => {
    const cases: Record<string, unknown>[] = [
      { properties: [] },
      { properties: 'x' },
      { properties: null },
      { timestamp: 1714557600000 },
      { offset: 1.5 },
      { offset: '10' },
      { $set: [1] },
      { $set_once: 'x' },
    ];
    for (const fields of cases) assert.equal(statusOf(fields), 400, JSON.stringify(fields));
  });

  test('right types are accepted and the event data is kept exactly as sent', () => {
    const sent = anEvent({
      uuid: '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f',
      timestamp: '2024-05-01T09:00:00Z',
      offset: 1500,
      $set: { a: 1 },
      $set_once: { b: [1, { c: null }] },
      custom: { deep: ['x'] },
    });
    assert.deepEqual(one(sent)?.data, sent);
  });

  test('the request shape: scalars, an empty batch, a batch that is not an array → 400', () => {
    for (const body of ['"event"', '42', 'null', '[]', '[1]', '[[]]'])
      assert.equal(parseStatus(request('/e/', body)), 400, body);
    assert.equal(parseStatus(batchRequest([])), 400);
    assert.equal(parseStatus(request('/batch', JSON.stringify({ api_key: TOKEN, batch: anEvent() }))), 400);
    assert.equal(parseStatus(batchRequest([anEvent()], { sent_at: 5 })), 400);
    assert.equal(parseStatus(batchRequest([anEvent()], { historical_migration: 'yes' })), 400);
  });

  test('JSON nested deeper than 128 levels → 400, however deep (no stack overflow)', () => {
    const deep = (levels: number) =>
      request(
        '/batch',
        `{"api_key":"${TOKEN}","batch":[{"event":"e","distinct_id":${'['.repeat(levels)}${']'.repeat(levels)}}]}`,
      );
    assert.equal(parseStatus(deep(100)), 200);
    assert.equal(parseStatus(deep(126)), 400);
    assert.equal(parseStatus(deep(500_000)), 400);
  });

  test('all or nothing: one bad event refuses the whole request', () => {
    const result = parseCaptureRequest(
      batchRequest([anEvent(), anEvent(), anEvent({ distinct_id: '' })]),
      NOW,
    );
    assert.deepEqual(result, { ok: false, status: 400, message: result.ok ? '' : result.message });
    assert.match(result.ok ? '' : result.message, /event 2/);
  });
});

describe('eventClassOf', () => {
  test('anonymous only for the JSON boolean false in $process_person_profile', () => {
    assert.equal(eventClassOf({ properties: { $process_person_profile: false } }), 'anonymous');
    assert.equal(eventClassOf({ properties: { $process_person_profile: true } }), 'identified');
    assert.equal(eventClassOf({ properties: { $process_person_profile: 'false' } }), 'identified');
    assert.equal(eventClassOf({ properties: {} }), 'identified');
    assert.equal(eventClassOf({}), 'identified');
  });
});
