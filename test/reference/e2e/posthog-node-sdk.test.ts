// The official posthog-node SDK against the reference target, gzip on and off: capture (personless
// and identified), identify, alias and groupIdentify, then the query API must show every event
// with the right person, person_mode and person properties.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqlite } from '../../../src/reference/store/sqlite.js';
import { PostHog } from 'posthog-node';
import { personUuid } from '../../../src/reference/ingest/person-uuid.js';
import { startReferenceTarget, type ReferenceTarget } from '../../../src/reference/start-reference-target.js';
import { drained, hogql, PERSONAL_KEY, TOKEN } from './e2e-helpers.js';

let target: ReferenceTarget;
before(async () => {
  target = await startReferenceTarget({ port: 0, memory: true, tokens: [TOKEN], personalKey: PERSONAL_KEY });
});
after(() => target.stop());

interface Row {
  readonly event: string;
  readonly distinctId: string;
  readonly personId: string;
  readonly personMode: string;
  readonly email: unknown;
}

for (const gzip of [true, false]) {
  test(`posthog-node with gzip ${gzip ? 'on' : 'off'}: every event lands with the right person`, async () => {
    const run = `sdk-${gzip ? 'gzip' : 'plain'}-${process.pid}`;
    const anon = `anon-${run}`;
    const user = `user-${run}`;
    const earlier = `earlier-${run}`;
    const alias = `alias-${run}`;
    const client = new PostHog(TOKEN, {
      host: target.captureUrl,
      flushAt: 2,
      flushInterval: 0,
      disableCompression: !gzip,
    });
    client.capture({
      distinctId: anon,
      event: 'page viewed',
      properties: { $process_person_profile: false, ingestbench_run: run },
    });
    client.capture({ distinctId: earlier, event: 'page viewed', properties: { ingestbench_run: run } });
    client.identify({
      distinctId: user,
      properties: { $set: { email: `${run}@example.com`, plan: 'pro' }, $anon_distinct_id: earlier },
    });
    client.capture({
      distinctId: user,
      event: 'order placed',
      properties: { ingestbench_run: run, total: 42 },
    });
    client.alias({ distinctId: user, alias });
    client.capture({ distinctId: alias, event: 'settings changed', properties: { ingestbench_run: run } });
    client.groupIdentify({ groupType: 'company', groupKey: `acme-${run}`, properties: { name: 'Acme' } });
    await client.shutdown();
    await drained(target.metricsUrl);

    const ids = [anon, user, earlier, alias, `$company_acme-${run}`].map((id) => `'${id}'`).join(', ');
    const results = await hogql(
      target.queryUrl,
      `SELECT event, distinct_id, person_id, person_mode, person.properties.email FROM events WHERE distinct_id IN (${ids}) LIMIT 100`,
    );
    const rows: Row[] = results.map(([event, distinctId, personId, personMode, email]) => ({
      event: String(event),
      distinctId: String(distinctId),
      personId: String(personId),
      personMode: String(personMode),
      email,
    }));
    const byEvent = (event: string, distinctId: string): Row => {
      const found = rows.filter((r) => r.event === event && r.distinctId === distinctId);
      assert.equal(found.length, 1, `one ${event} from ${distinctId} in ${JSON.stringify(rows)}`);
      return found[0] as Row;
    };
    assert.equal(rows.length, 7, JSON.stringify(rows));

    const personless = byEvent('page viewed', anon);
    assert.equal(personless.personMode, 'propertyless');
    assert.equal(personless.personId, personUuid(1, anon));

    const identify = byEvent('$identify', user);
    assert.equal(identify.personMode, 'full');
    assert.equal(identify.email, `${run}@example.com`);
    const order = byEvent('order placed', user);
    assert.equal(order.personId, identify.personId);
    assert.equal(order.email, `${run}@example.com`);
    // $identify merged the earlier anonymous id: its later events (and the merge) share the person.
    const earlierView = byEvent('page viewed', earlier);
    assert.equal(earlierView.personMode, 'full');
    const aliased = byEvent('settings changed', alias);
    assert.equal(aliased.personId, identify.personId, 'alias joins the user’s person');
    assert.equal(aliased.email, `${run}@example.com`);
    assert.equal(byEvent('$create_alias', user).personId, identify.personId);
    assert.equal(byEvent('$groupidentify', `$company_acme-${run}`).personMode, 'full');

    const store = openSqlite(join(target.dataDir, 'store.db'), { readonly: true });
    try {
      const personOf = store
        .prepare(
          'SELECT p.uuid FROM person_distinct_ids d JOIN persons p ON p.id = d.person_id WHERE d.distinct_id = ?',
        )
        .pluck();
      assert.equal(personOf.get(anon), undefined, 'a personless event leaves no person row');
      assert.equal(personOf.get(user), identify.personId);
      assert.equal(personOf.get(earlier), identify.personId, '$anon_distinct_id was merged into the user');
      assert.equal(personOf.get(alias), identify.personId);
      const group = store
        .prepare('SELECT properties FROM groups WHERE group_type = ? AND group_key = ?')
        .pluck()
        .get('company', `acme-${run}`);
      assert.deepEqual(JSON.parse(String(group)), { name: 'Acme' });
    } finally {
      store.close();
    }
  });
}
