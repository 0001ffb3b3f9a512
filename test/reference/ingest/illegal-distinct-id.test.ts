import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDistinctIdIllegal } from '../../../src/reference/ingest/illegal-distinct-id.js';

test('generic ids are illegal in any casing and when quoted', () => {
  for (const id of [
    'anonymous',
    'ANONYMOUS',
    'Guest',
    'distinct_id',
    'distinctid',
    'id',
    'not_authenticated',
    'email',
    'undefined',
    'uNdEfInEd',
    'true',
    'False',
    '"anonymous"',
    "'guest'",
  ]) {
    assert.equal(isDistinctIdIllegal(id), true, id);
  }
});

test('some ids are illegal only as cased', () => {
  for (const id of ['[object Object]', 'NaN', 'None', 'none', 'null', '0', '"null"', "'NaN'"]) {
    assert.equal(isDistinctIdIllegal(id), true, id);
  }
  for (const id of ['nan', 'NULL', 'Null', '[object object]'])
    assert.equal(isDistinctIdIllegal(id), false, id);
});

test('blank ids are illegal, real ids are not', () => {
  assert.equal(isDistinctIdIllegal(''), true);
  assert.equal(isDistinctIdIllegal('   '), true);
  for (const id of [
    'user-1',
    '00',
    'anonymous-123',
    'guest@example.com',
    '018a981f-4b2d-78ae-947b-bedbaa02a0f4',
  ]) {
    assert.equal(isDistinctIdIllegal(id), false, id);
  }
});
