// /metrics end to end: every documented series is there, and each moves with the traffic that
// should move it (and only that).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startReferenceTarget, type ReferenceTarget } from '../../../src/reference/start-reference-target.js';
import {
  drained,
  eventually,
  makeEvents,
  PERSONAL_KEY,
  postBatch,
  sample,
  scrape,
  TOKEN,
} from './e2e-helpers.js';

let target: ReferenceTarget;
before(async () => {
  target = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN, 'phc_second'],
    personalKey: PERSONAL_KEY,
    firstProjectId: 5,
  });
});
after(() => target.stop());

const NAMES = [
  'ingestbench_events_captured_total',
  'ingestbench_capture_requests_total',
  'ingestbench_events_ingested_total',
  'ingestbench_ingestion_warnings_total',
  'ingestbench_person_rows_read_total',
  'ingestbench_person_rows_written_total',
  'ingestbench_store_rows_written_total',
  'ingestbench_queue_depth_events',
  'ingestbench_ingestion_lag_seconds',
  'process_cpu_seconds_total',
  'ingestbench_ingestion_cpu_seconds_total',
  'ingestbench_faults_injected_total',
  'ingestbench_ingestion_restarts_total',
  'ingestbench_queries_total',
];

test('GET /metrics is Prometheus text with every documented metric', async () => {
  const response = await request(target.metricsUrl);
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = await response.body.text();
  for (const name of NAMES) assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge)$`, 'm'), name);
  assert.equal(target.projects.map((p) => p.projectId).join(), '5,6');
});

test('counters move by class with anonymous, identified and unknown-token traffic', async () => {
  const m0 = await scrape(target.metricsUrl);
  const v = (text: string, name: string, labels: Record<string, string> = {}): number =>
    sample(text, name, labels) ?? 0;
  assert.equal(await postBatch(target.captureUrl, makeEvents('m-anon', 300, true)), 200);
  const afterAnonymous = await drained(target.metricsUrl);
  assert.equal(
    v(afterAnonymous, 'ingestbench_events_captured_total', { class: 'anonymous', outcome: 'accepted' }) -
      v(m0, 'ingestbench_events_captured_total', { class: 'anonymous', outcome: 'accepted' }),
    300,
  );
  assert.equal(
    v(afterAnonymous, 'ingestbench_events_ingested_total', { class: 'anonymous', outcome: 'ingested' }) -
      v(m0, 'ingestbench_events_ingested_total', { class: 'anonymous', outcome: 'ingested' }),
    300,
  );
  // Personless events write no person, only one personless-distinct-id row per new distinct id (13).
  assert.equal(
    v(afterAnonymous, 'ingestbench_person_rows_written_total') -
      v(m0, 'ingestbench_person_rows_written_total'),
    13,
  );
  assert.equal(
    v(afterAnonymous, 'ingestbench_person_rows_read_total') - v(m0, 'ingestbench_person_rows_read_total'),
    0,
  );
  assert.ok(v(afterAnonymous, 'ingestbench_ingestion_cpu_seconds_total', { class: 'anonymous' }) > 0);

  assert.equal(await postBatch(target.captureUrl, makeEvents('m-ident', 200, false)), 200);
  assert.equal(await postBatch(target.captureUrl, makeEvents('m-ident2', 50, false), 'phc_second'), 200);
  assert.equal(
    await postBatch(target.captureUrl, makeEvents('m-unknown', 7, false), 'phc_nobody'),
    200,
    'a well-formed unknown token is acknowledged',
  );
  const m1 = await drained(target.metricsUrl);
  const d = (name: string, labels: Record<string, string> = {}): number =>
    v(m1, name, labels) - v(afterAnonymous, name, labels);
  assert.equal(d('ingestbench_events_captured_total', { class: 'identified', outcome: 'accepted' }), 257);
  assert.equal(d('ingestbench_events_ingested_total', { class: 'identified', outcome: 'ingested' }), 250);
  assert.equal(
    d('ingestbench_events_ingested_total', { class: 'identified', outcome: 'dropped_unknown_token' }),
    7,
  );
  assert.equal(d('ingestbench_store_rows_written_total'), 250);
  assert.equal(d('ingestbench_capture_requests_total', { status: '200' }), 3);
  // 13 distinct ids per project, each a new person with its distinct id.
  assert.ok(
    d('ingestbench_person_rows_written_total') >= 26,
    `${d('ingestbench_person_rows_written_total')} person rows written`,
  );
  assert.ok(d('ingestbench_ingestion_cpu_seconds_total', { class: 'identified' }) > 0);
  assert.equal(d('ingestbench_ingestion_cpu_seconds_total', { class: 'anonymous' }), 0);
  assert.ok(v(m1, 'process_cpu_seconds_total', { process: 'capture' }) > 0);
  assert.ok(v(m1, 'process_cpu_seconds_total', { process: 'ingestion' }) > 0);
  assert.equal(v(m1, 'ingestbench_queue_depth_events'), 0);
  assert.equal(v(m1, 'ingestbench_ingestion_lag_seconds'), 0);
});

test('queue depth and lag rise while ingestion is held back, and fall when it is released', async () => {
  target.setFaults({ ...target.faults(), delayMs: 60_000 });
  assert.equal(await postBatch(target.captureUrl, makeEvents('m-held', 40, true)), 200);
  // Held for 60 s, the 40 events stay queued while their lag grows: wait until it has passed
  // 0.3 s (the queue depth must read 40 all the while), not for a guessed delay.
  const held = await eventually('the held events to lag 0.3 s', 30_000, async () => {
    const text = await scrape(target.metricsUrl);
    assert.equal(sample(text, 'ingestbench_queue_depth_events'), 40);
    return (sample(text, 'ingestbench_ingestion_lag_seconds') ?? 0) >= 0.3 ? text : undefined;
  });
  assert.equal(sample(held, 'ingestbench_queue_depth_events'), 40);
  target.setFaults({ ...target.faults(), delayMs: 0 });
  const released = await drained(target.metricsUrl);
  assert.equal(sample(released, 'ingestbench_ingestion_lag_seconds'), 0);
});
