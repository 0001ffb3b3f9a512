import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventTimestamp, type EventTimeInput } from '../../../src/reference/ingest/event-timestamp.js';

const NOW = Date.parse('2023-01-01T12:00:00Z');
const PROCESSED = Date.parse('2023-01-01T12:00:30Z');
const base: EventTimeInput = {
  timestamp: undefined,
  offset: undefined,
  sentAt: null,
  ignoreSentAt: false,
  nowMs: NOW,
  processedAtMs: PROCESSED,
  eventUuid: 'e1',
};
const at = (input: Partial<EventTimeInput>) => eventTimestamp({ ...base, ...input });

test('no timestamp, no offset: capture time', () => {
  assert.deepEqual(at({}), { timestampMs: NOW, warnings: [] });
});

test('timestamp with sent_at: now + (timestamp - sent_at) corrects client clock skew', () => {
  const result = at({ timestamp: '2023-01-01T11:59:55Z', sentAt: '2023-01-01T12:00:05Z' });
  assert.equal(result.timestampMs, Date.parse('2023-01-01T11:59:50Z'));
  assert.equal(result.warnings.length, 0);
});

test('timestamp without sent_at is kept as sent (ISO or epoch ms)', () => {
  assert.equal(
    at({ timestamp: '2022-06-01T00:00:00.123Z' }).timestampMs,
    Date.parse('2022-06-01T00:00:00.123Z'),
  );
  assert.equal(at({ timestamp: 1_654_041_600_123 }).timestampMs, 1_654_041_600_123);
  // Without sent_at PostHog returns the timestamp before looking at offset.
  assert.equal(
    at({ timestamp: '2022-06-01T00:00:00Z', offset: 5000 }).timestampMs,
    Date.parse('2022-06-01T00:00:00Z'),
  );
});

test('offset without timestamp: now - offset; with timestamp and sent_at the offset wins', () => {
  assert.equal(at({ offset: 5000 }).timestampMs, NOW - 5000);
  assert.equal(
    at({ timestamp: '2023-01-01T11:00:00Z', sentAt: '2023-01-01T12:00:00Z', offset: 2000 }).timestampMs,
    NOW - 2000,
  );
});

test('$ignore_sent_at disables the skew correction', () => {
  const result = at({
    timestamp: '2023-01-01T11:00:00Z',
    sentAt: '2023-01-01T12:00:05Z',
    ignoreSentAt: true,
  });
  assert.equal(result.timestampMs, Date.parse('2023-01-01T11:00:00Z'));
});

test('an unparseable sent_at is ignored with a warning', () => {
  const result = at({ timestamp: '2023-01-01T11:00:00Z', sentAt: 'not a date' });
  assert.equal(result.timestampMs, Date.parse('2023-01-01T11:00:00Z'));
  assert.deepEqual(
    result.warnings.map((w) => [w.type, w.details['field']]),
    [['ignored_invalid_timestamp', 'sent_at']],
  );
});

test('more than 23 hours in the future is clamped to now with a warning; 22 hours is kept', () => {
  const future = at({ timestamp: '2023-01-02T12:00:00Z' });
  assert.equal(future.timestampMs, NOW);
  assert.equal(future.warnings[0]?.type, 'event_timestamp_in_future');
  const near = at({ timestamp: '2023-01-02T10:00:00Z' });
  assert.equal(near.timestampMs, Date.parse('2023-01-02T10:00:00Z'));
  assert.equal(near.warnings.length, 0);
});

test('an unparseable timestamp becomes the processing time with a warning', () => {
  const result = at({ timestamp: 'yesterday-ish' });
  assert.equal(result.timestampMs, PROCESSED);
  assert.deepEqual(
    result.warnings.map((w) => [w.type, w.details['field'], w.details['eventUuid']]),
    [['ignored_invalid_timestamp', 'timestamp', 'e1']],
  );
});

test('a year before 0 is out of bounds (one beyond 9999 is first clamped as future)', () => {
  const result = at({ timestamp: Date.parse('0000-01-01T00:00:00Z') - 1000 });
  assert.equal(result.timestampMs, PROCESSED);
  assert.equal(result.warnings[0]?.details['reason'], 'out of bounds');
});
