import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEvent } from '../../../src/reference/ingest/normalize-event.js';
import { anonymous, captured, TEAM_ID } from './captured-event-fixture.js';

test('personless events lose $set, $set_once, $unset and $group_N, keep the rest and the flag', () => {
  const source = anonymous({
    properties: {
      $set: { a: 1 },
      $set_once: { b: 2 },
      $unset: ['c'],
      $group_0: 'acme',
      $current_url: 'https://x',
      plan: 'pro',
    },
    extra: { $set: { top: 1 } },
  });
  const result = normalizeEvent(source, TEAM_ID);
  assert.equal(result.kind, 'ok');
  if (result.kind !== 'ok') return;
  assert.equal(result.event.processPerson, false);
  assert.deepEqual(result.event.properties, {
    $process_person_profile: false,
    $current_url: 'https://x',
    plan: 'pro',
  });
  assert.deepEqual(result.event.set, {});
  // The captured event itself is not changed (it may be read again after a crash).
  assert.deepEqual((source.data['properties'] as Record<string, unknown>)['$set'], { a: 1 });
});

test('personless $identify, $create_alias, $merge_dangerously, $groupidentify are dropped with a warning', () => {
  for (const event of ['$identify', '$create_alias', '$merge_dangerously', '$groupidentify']) {
    const result = normalizeEvent(anonymous({ event, distinctId: 'd1' }), TEAM_ID);
    assert.equal(result.kind, 'drop');
    if (result.kind !== 'drop') continue;
    assert.equal(result.reason, 'personlessPersonEvent');
    assert.equal(result.warnings[0]?.type, 'invalid_event_when_process_person_profile_is_false');
    assert.equal(result.warnings[0]?.details['event'], event);
  }
});

test('top-level $set/$set_once merge into properties, top-level winning; $unset is read from properties', () => {
  const result = normalizeEvent(
    captured({
      event: 'clicked',
      properties: { $set: { a: 1, b: 1 }, $unset: ['gone'] },
      extra: { $set: { b: 2 }, $set_once: { first: 'x' }, $unset: ['ignored'] },
    }),
    TEAM_ID,
  );
  assert.equal(result.kind, 'ok');
  if (result.kind !== 'ok') return;
  assert.deepEqual(result.event.set, { a: 1, b: 2 });
  assert.deepEqual(result.event.setOnce, { first: 'x' });
  assert.deepEqual(result.event.unset, ['gone']);
  assert.deepEqual(result.event.properties['$set'], { a: 1, b: 2 });
});

test('person events lift $browser and utm_* into $set and $initial_* into $set_once, never over explicit ones', () => {
  const result = normalizeEvent(
    captured({
      properties: { $browser: 'Firefox', utm_source: 'news', gclid: null, $set: { $browser: 'Chrome' } },
    }),
    TEAM_ID,
  );
  assert.equal(result.kind, 'ok');
  if (result.kind !== 'ok') return;
  assert.deepEqual(result.event.set, { $browser: 'Chrome', utm_source: 'news', gclid: null });
  assert.deepEqual(result.event.setOnce, { $initial_browser: 'Firefox', $initial_utm_source: 'news' });
});

test('$process_person_profile: true is dropped as the default; a non-boolean warns and means true', () => {
  const yes = normalizeEvent(captured({ properties: { $process_person_profile: true, x: 1 } }), TEAM_ID);
  assert.equal(yes.kind === 'ok' && '$process_person_profile' in yes.event.properties, false);
  const odd = normalizeEvent(captured({ properties: { $process_person_profile: 'false' } }), TEAM_ID);
  assert.equal(odd.kind, 'ok');
  if (odd.kind !== 'ok') return;
  assert.equal(odd.event.processPerson, true);
  assert.equal(odd.warnings[0]?.type, 'invalid_process_person_profile');
});

test('$groupidentify never sets person properties; capture fields become $ip and $sent_at', () => {
  const source = {
    ...captured({ event: '$groupidentify', properties: { $set: { a: 1 }, $group_type: 'company' } }),
    ip: '10.0.0.1',
    sentAt: '2026-01-02T03:04:04.000Z',
  };
  const result = normalizeEvent(source, TEAM_ID);
  assert.equal(result.kind, 'ok');
  if (result.kind !== 'ok') return;
  assert.deepEqual(result.event.set, {});
  assert.equal('$set' in result.event.properties, false);
  assert.equal(result.event.properties['$ip'], '10.0.0.1');
  assert.equal(result.event.properties['$sent_at'], '2026-01-02T03:04:04.000Z');
});

test('an event without a name is invalid', () => {
  const result = normalizeEvent(captured({ event: '' }), TEAM_ID);
  assert.equal(result.kind === 'drop' && result.reason, 'invalid');
});
