// Capture's side contract on a running target: CORS on every capture answer (injected faults and
// 404s included), posthog-js's /flags/ and remote config for a project without flags, unknown
// tokens refused at capture (token enforcement on, the default), and the quota fault: 200 at
// capture, nothing queued, counted in /metrics.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';

import { UNKNOWN_TOKEN_MESSAGE } from '../../../src/reference/capture/capture-admission.js';
import { startReferenceTarget, type ReferenceTarget } from '../../../src/reference/start-reference-target.js';
import { parseFaultSpec, NO_FAULTS } from '../../../src/reference/pipeline/fault-spec.js';
import { drained, hogql, makeEvents, PERSONAL_KEY, postBatch, sample, TOKEN } from './e2e-helpers.js';

let target: ReferenceTarget;
before(async () => {
  target = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN, 'phc_second'],
    personalKey: PERSONAL_KEY,
  });
});
after(() => target.stop());

const ORIGIN = 'https://shop.example';

test('an injected 429 and a 404 carry capture’s CORS headers', async () => {
  target.setFaults({ ...NO_FAULTS, reject: { status: 429, probability: 1 } });
  try {
    const rejected = await request(`${target.captureUrl}/e/`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: TOKEN, event: 'x', distinct_id: 'd' }),
    });
    await rejected.body.dump();
    assert.deepEqual(
      [rejected.statusCode, rejected.headers['access-control-allow-origin'], rejected.headers['retry-after']],
      [429, ORIGIN, '1'],
    );
  } finally {
    target.setFaults(NO_FAULTS);
  }
  const missing = await request(`${target.captureUrl}/nope/`, { headers: { origin: ORIGIN } });
  await missing.body.dump();
  assert.deepEqual([missing.statusCode, missing.headers['access-control-allow-origin']], [404, ORIGIN]);
});

test('/flags/ and the remote config answer as for a project without flags, advertising compression', async () => {
  const flags = await request(`${target.captureUrl}/flags/?v=2&config=true`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ token: TOKEN, distinct_id: 'd1' }),
  });
  const body = (await flags.body.json()) as Record<string, unknown>;
  assert.equal(flags.statusCode, 200);
  assert.equal(flags.headers['access-control-allow-origin'], ORIGIN);
  assert.deepEqual(body['flags'], {});
  assert.equal(body['errorsWhileComputingFlags'], false);
  assert.deepEqual(body['supportedCompression'], ['gzip', 'gzip-js']);
  assert.equal(typeof body['requestId'], 'string');

  const v1 = (await (
    await request(`${target.captureUrl}/flags/`, { method: 'POST', body: JSON.stringify({ token: TOKEN }) })
  ).body.json()) as Record<string, unknown>;
  assert.deepEqual([v1['featureFlags'], v1['featureFlagPayloads'], 'flags' in v1], [{}, {}, false]);

  const wrong = await request(`${target.captureUrl}/flags/?v=2`, {
    method: 'POST',
    body: JSON.stringify({ token: 'phc_not_a_project' }),
  });
  assert.deepEqual(
    [wrong.statusCode, ((await wrong.body.json()) as Record<string, unknown>)['code']],
    [401, 'invalid_api_key'],
  );

  const config = await request(`${target.captureUrl}/array/${TOKEN}/config`);
  const configBody = (await config.body.json()) as Record<string, unknown>;
  assert.deepEqual(
    [configBody['token'], configBody['hasFeatureFlags'], configBody['supportedCompression']],
    [TOKEN, false, ['gzip', 'gzip-js']],
  );
  const script = await request(`${target.captureUrl}/array/${TOKEN}/config.js`);
  const source = await script.body.text();
  assert.match(String(script.headers['content-type']), /javascript/);
  // Run the script as a browser would and read what it stored.
  const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: Record<string, unknown> }> } = {};
  runInNewContext(source, { window });
  // Objects from the script's context: compared by their JSON, not by prototype.
  assert.deepEqual(JSON.parse(JSON.stringify(window._POSTHOG_REMOTE_CONFIG?.[TOKEN]?.config)), configBody);
  const unknown = await request(`${target.captureUrl}/array/phc_nobody/config`);
  await unknown.body.dump();
  assert.equal(unknown.statusCode, 404);
});

test('a well-formed token of no project: 401 at capture with PostHog’s words, nothing queued', async () => {
  const before = await drained(target.metricsUrl);
  const response = await request(`${target.captureUrl}/batch/`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({
      api_key: 'phc_nobody',
      batch: makeEvents('unknown', 3, false).map((e) => e.body),
    }),
  });
  assert.equal(response.statusCode, 401);
  assert.equal(response.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(await response.body.text(), UNKNOWN_TOKEN_MESSAGE);
  // A malformed token is still refused by shape, before any project is looked up.
  assert.equal(await postBatch(target.captureUrl, makeEvents('unknown', 1, false), 'phx_personal'), 401);
  const metrics = await drained(target.metricsUrl);
  const captured = (text: string): number =>
    sample(text, 'ingestbench_events_captured_total', { class: 'identified', outcome: 'accepted' }) ?? 0;
  assert.equal(captured(metrics) - captured(before), 0);
  assert.equal(
    (sample(metrics, 'ingestbench_capture_requests_total', { status: '401' }) ?? 0) -
      (sample(before, 'ingestbench_capture_requests_total', { status: '401' }) ?? 0),
    2,
  );
});

test('quota=ID: capture says 200 and queues none of that project’s events; others pass', async () => {
  target.setFaults(parseFaultSpec('quota=1'));
  try {
    const before = await drained(target.metricsUrl);
    assert.equal(await postBatch(target.captureUrl, makeEvents('quota-1', 12, true)), 200);
    assert.equal(await postBatch(target.captureUrl, makeEvents('quota-2', 7, false), 'phc_second'), 200);
    const metrics = await drained(target.metricsUrl);
    const delta = (labels: Record<string, string>): number =>
      (sample(metrics, 'ingestbench_events_captured_total', labels) ?? 0) -
      (sample(before, 'ingestbench_events_captured_total', labels) ?? 0);
    assert.equal(delta({ class: 'anonymous', outcome: 'quota_limited' }), 12);
    assert.equal(delta({ class: 'anonymous', outcome: 'accepted' }), 0);
    assert.equal(delta({ class: 'identified', outcome: 'accepted' }), 7);
    assert.doesNotMatch(metrics, /dropped_quota_limited/, 'ingestion never saw them');
    assert.deepEqual(
      await hogql(target.queryUrl, "SELECT count() FROM events WHERE properties.ingestbench_run = 'quota-1'"),
      [[0]],
    );
    assert.deepEqual(
      await hogql(
        target.queryUrl,
        "SELECT count() FROM events WHERE properties.ingestbench_run = 'quota-2'",
        2,
      ),
      [[7]],
    );
  } finally {
    target.setFaults(NO_FAULTS);
  }
});
