// Each fault does what it says, and /metrics counts exactly what was injected, so the harness's
// findings (lost, duplicated, rejected, late) can be checked against the truth.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { faultRoll } from '../../../src/reference/pipeline/fault-roll.js';
import { startReferenceTarget, type ReferenceTarget } from '../../../src/reference/start-reference-target.js';
import {
  drained,
  hogql,
  makeEvents,
  PERSONAL_KEY,
  postBatch,
  sample,
  scrape,
  TOKEN,
  type TestEvent,
} from './e2e-helpers.js';

let target: ReferenceTarget;
before(async () => {
  target = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN],
    personalKey: PERSONAL_KEY,
    lingerMs: 10,
  });
});
after(() => target.stop());

async function setFaults(spec: string): Promise<number> {
  const response = await request(`${target.adminUrl}/admin/faults`, { method: 'POST', body: spec });
  await response.body.dump();
  return response.statusCode;
}

async function sendAll(events: readonly TestEvent[], perRequest = 100): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let i = 0; i < events.length; i += perRequest) {
    const status = await postBatch(target.captureUrl, events.slice(i, i + perRequest));
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  return statuses;
}

async function rowsOf(run: string): Promise<Map<string, number>> {
  const rows = await hogql(
    target.queryUrl,
    `SELECT uuid, count() FROM events WHERE properties.ingestbench_run = '${run}' GROUP BY uuid LIMIT 50000`,
  );
  return new Map(rows.map(([uuid, count]) => [String(uuid), Number(count)]));
}

const faultCount = (metrics: string, kind: string): number =>
  sample(metrics, 'ingestbench_faults_injected_total', { kind }) ?? Number.NaN;

test('drop-after-ack and duplicate: the store differs from what was acknowledged by exactly the counted faults', async () => {
  assert.equal(await setFaults('drop-after-ack=0.1,duplicate=0.05,seed=7'), 200);
  const before = await scrape(target.metricsUrl);
  const run = `drop-dup-${process.pid}`;
  const events = [...makeEvents(run, 1000, true), ...makeEvents(run, 1000, false)];
  assert.deepEqual([...(await sendAll(events))], [[200, 20]]);
  const after = await drained(target.metricsUrl);
  await setFaults('none');

  const counts = await rowsOf(run);
  const dropped = events.length - counts.size;
  const duplicated = [...counts.values()].filter((n) => n === 2).length;
  assert.ok([...counts.values()].every((n) => n === 1 || n === 2));
  assert.equal(faultCount(after, 'drop-after-ack') - faultCount(before, 'drop-after-ack'), dropped);
  assert.equal(faultCount(after, 'duplicate') - faultCount(before, 'duplicate'), duplicated);
  // And they are the events the seeded decisions picked, so a run can be reproduced.
  const picked = events.filter((e) => faultRoll(7, 'drop-after-ack', e.uuid) < 0.1);
  assert.equal(dropped, picked.length);
  assert.ok(picked.every((e) => !counts.has(e.uuid)));
  assert.ok(
    dropped > 100 && dropped < 300 && duplicated > 40 && duplicated < 160,
    `${dropped} dropped, ${duplicated} duplicated`,
  );
  const droppedByClass = ['anonymous', 'identified'].map(
    (c) => sample(after, 'ingestbench_events_ingested_total', { class: c, outcome: 'dropped_fault' }) ?? 0,
  );
  assert.equal(droppedByClass[0]! + droppedByClass[1]!, dropped);
});

test('reject: the client sees exactly the counted rejections, and rejected events are never stored', async () => {
  assert.equal(await setFaults('reject=429:0.3,seed=3'), 200);
  const before = await scrape(target.metricsUrl);
  const run = `reject-${process.pid}`;
  const events = makeEvents(run, 600, true);
  const statuses = await sendAll(events, 10);
  await setFaults('none');
  const after = await drained(target.metricsUrl);
  const rejected = statuses.get(429) ?? 0;
  assert.equal((statuses.get(200) ?? 0) + rejected, 60);
  assert.ok(rejected > 5 && rejected < 35, `${rejected} rejected`);
  assert.equal(faultCount(after, 'reject') - faultCount(before, 'reject'), rejected);
  const rejectedEvents = (m: string) =>
    sample(m, 'ingestbench_events_captured_total', { class: 'anonymous', outcome: 'rejected' }) ?? 0;
  assert.equal(rejectedEvents(after) - rejectedEvents(before), rejected * 10);
  assert.equal((await rowsOf(run)).size, 600 - rejected * 10);
});

test('delay: events become visible no sooner than the delay, and each held event is counted', async () => {
  assert.equal(await setFaults('delay=700ms'), 200);
  const before = await scrape(target.metricsUrl);
  const run = `delay-${process.pid}`;
  const sentAt = Date.now();
  await sendAll(makeEvents(run, 50, true));
  assert.equal((await rowsOf(run)).size, 0, 'not visible right after the ack');
  const after = await drained(target.metricsUrl);
  const visibleAfter = Date.now() - sentAt;
  await setFaults('none');
  assert.equal((await rowsOf(run)).size, 50);
  assert.ok(visibleAfter >= 700, `visible after ${visibleAfter} ms`);
  assert.equal(faultCount(after, 'delay') - faultCount(before, 'delay'), 50);
});

test('crash-every: ingestion is killed and restarted under load, and every acknowledged event is stored once', async () => {
  assert.equal(await setFaults('crash-every=150ms'), 200);
  const run = `crash-${process.pid}`;
  const acknowledged: TestEvent[] = [];
  const until = Date.now() + 1_500;
  // Bounded by count as well as time: rowsOf() reads at most one 50,000-row HogQL page.
  while (Date.now() < until && acknowledged.length < 40_000) {
    const events = makeEvents(run, 50, false);
    if ((await postBatch(target.captureUrl, events)) === 200) acknowledged.push(...events);
  }
  await setFaults('none');
  const after = await drained(target.metricsUrl);
  const counts = await rowsOf(run);
  assert.equal(counts.size, acknowledged.length);
  assert.ok(
    [...counts.values()].every((n) => n === 1),
    'nothing ingested twice across restarts',
  );
  const crashes = faultCount(after, 'crash');
  assert.ok(crashes >= 3, `${crashes} crashes`);
  assert.equal(sample(after, 'ingestbench_ingestion_restarts_total'), crashes);
});

test('a bad spec on the admin endpoint is refused with the bad part named', async () => {
  const response = await request(`${target.adminUrl}/admin/faults`, { method: 'POST', body: 'reject=429' });
  assert.equal(response.statusCode, 400);
  assert.match(await response.body.text(), /reject=429/);
  const shown = await request(`${target.adminUrl}/admin/faults`);
  assert.equal(((await shown.body.json()) as { spec: string }).spec, 'none');
});
