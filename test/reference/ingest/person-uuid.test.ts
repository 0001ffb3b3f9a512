import { test } from 'node:test';
import assert from 'node:assert/strict';
import { personUuid, uuidv5, PERSON_UUID_NAMESPACE } from '../../../src/reference/ingest/person-uuid.js';

test('uuidv5 matches the RFC/Python vector for python.org in the DNS namespace', () => {
  assert.equal(
    uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
    '886313e1-3b8a-5372-9b90-0c9aee199e5d',
  );
});

test('personUuid is uuidv5 of "teamId:distinctId" in PostHog person namespace (vectors from Python uuid5)', () => {
  assert.equal(personUuid(2, 'user-1'), '1e7731c8-945c-520d-96b9-e7f088242010');
  assert.equal(personUuid(1, 'anon-1'), 'cfa956a0-5af4-51c6-9ef5-cb3c80e09b69');
  assert.equal(personUuid(2, 'user-1'), uuidv5('2:user-1', PERSON_UUID_NAMESPACE));
  assert.notEqual(personUuid(3, 'user-1'), personUuid(2, 'user-1'));
});
