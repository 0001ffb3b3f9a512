import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import { decodeQueueRow, encodeQueueRow } from '../../../src/reference/queue/queue-row.js';

const event = (i: number, overrides: Partial<CapturedEvent> = {}): CapturedEvent => ({
  uuid: `0190f0e0-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
  distinctId: `user-${i}`,
  token: 'phc_a',
  now: '2026-01-01T00:00:00.000Z',
  sentAt: '2026-01-01T00:00:00.000Z',
  ip: '127.0.0.1',
  historicalMigration: false,
  data: { event: 'page viewed', properties: { n: i, nested: { ok: true } } },
  ...overrides,
});

test('a request whose events share capture fields round-trips, writing them once', () => {
  const events = [event(1), event(2), event(3)];
  const json = encodeQueueRow(events);
  assert.deepEqual(decodeQueueRow(json), events);
  assert.equal(json.split('phc_a').length - 1, 1, 'the token is written once');
  assert.ok(
    json.length < JSON.stringify(events).length * 0.8,
    `${json.length} vs ${JSON.stringify(events).length}`,
  );
});

test('events that differ in a capture field round-trip in full', () => {
  const events = [event(1), event(2, { sentAt: null }), event(3, { ip: null, historicalMigration: true })];
  assert.deepEqual(decodeQueueRow(encodeQueueRow(events)), events);
});

test('an empty request round-trips', () => {
  assert.deepEqual(decodeQueueRow(encodeQueueRow([])), []);
});
