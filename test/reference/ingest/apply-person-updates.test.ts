import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPersonUpdates } from '../../../src/reference/ingest/apply-person-updates.js';

test('$set overwrites, $set_once fills only missing keys, $unset removes', () => {
  const person: Record<string, unknown> = { name: 'old', plan: 'free', temp: 1 };
  const changed = applyPersonUpdates(person, {
    event: '$set',
    set: { name: 'new' },
    setOnce: { plan: 'pro', signup: '2026-01-01' },
    unset: ['temp', 'absent'],
  });
  assert.equal(changed, true);
  assert.deepEqual(person, { name: 'new', plan: 'free', signup: '2026-01-01' });
});

test('nothing to change reports no change', () => {
  const person: Record<string, unknown> = { name: 'same' };
  assert.equal(
    applyPersonUpdates(person, {
      event: 'x',
      set: { name: 'same' },
      setOnce: { name: 'other' },
      unset: ['nope'],
    }),
    false,
  );
  assert.deepEqual(person, { name: 'same' });
});

test('a changed $browser on a plain event updates the snapshot but asks for no write; on a person event it does', () => {
  const person: Record<string, unknown> = { $browser: 'Firefox' };
  assert.equal(
    applyPersonUpdates(person, { event: '$pageview', set: { $browser: 'Chrome' }, setOnce: {}, unset: [] }),
    false,
  );
  assert.equal(person['$browser'], 'Chrome');
  assert.equal(
    applyPersonUpdates(person, { event: '$identify', set: { $browser: 'Safari' }, setOnce: {}, unset: [] }),
    true,
  );
});

test('$exception and $$heatmap never update persons', () => {
  const person: Record<string, unknown> = {};
  assert.equal(
    applyPersonUpdates(person, { event: '$exception', set: { a: 1 }, setOnce: {}, unset: [] }),
    false,
  );
  assert.deepEqual(person, {});
});
