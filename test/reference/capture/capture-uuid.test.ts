// UUIDs at the capture edge: generated v7 and the forms of a sent uuid that PostHog accepts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateUuidV7, isUuidV7, normalizeUuid } from '../../../src/reference/capture/capture-uuid.js';

test('generated uuids are v7 with the given millisecond and 74 random bits', () => {
  const ms = Date.UTC(2024, 4, 1, 10, 0, 0, 123);
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const uuid = generateUuidV7(ms + (i % 3));
    assert.ok(isUuidV7(uuid), uuid);
    assert.equal(parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16), ms + (i % 3));
    seen.add(uuid);
  }
  assert.equal(seen.size, 5000, 'no repeats across pool refills');
});

test('the random part varies in every position (all 16 digits show up)', () => {
  const digits = Array.from({ length: 36 }, () => new Set<string>());
  for (let i = 0; i < 2000; i++) [...generateUuidV7(0)].forEach((c, j) => digits[j]?.add(c));
  for (const j of [15, 16, 17, 20, 21, 22, 25, 30, 35]) assert.equal(digits[j]?.size, 16, `position ${j}`);
  assert.deepEqual([...(digits[19] ?? [])].sort(), ['8', '9', 'a', 'b'], 'RFC variant');
});

test('normalizeUuid takes hyphenated, simple, braced and urn forms, any case', () => {
  const canonical = '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f';
  for (const form of [
    canonical,
    canonical.toUpperCase(),
    '0190f5d27b3a7c418e2f4a5b6c7d8e9f',
    `{${canonical}}`,
    `urn:uuid:${canonical}`,
  ]) {
    assert.equal(normalizeUuid(form), canonical, form);
  }
  for (const bad of [
    '',
    'nope',
    `${canonical}0`,
    canonical.replace('-', '_'),
    canonical.replace('f', 'g'),
    `{${canonical}`,
  ]) {
    assert.equal(normalizeUuid(bad), null, bad);
  }
});

test('isUuidV7 wants version 7 and the RFC variant', () => {
  assert.equal(isUuidV7('0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f'), true);
  assert.equal(isUuidV7('f4b76ba7-e0ff-4da7-90d5-6e90f68edc2e'), false);
  assert.equal(isUuidV7('0190f5d2-7b3a-7c41-ce2f-4a5b6c7d8e9f'), false);
});
