// The embedded target hands the reference's capture and person options to the child process it
// starts: a person-processing opt-out and accepting unknown tokens reach capture and ingestion.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { EMBEDDED_TOKEN, startEmbeddedTarget } from '../../src/targets/embedded-target.js';
import type { Target } from '../../src/targets/target.js';
import { drained, sample } from '../reference/e2e/e2e-helpers.js';

let target: Target;
before(async () => {
  target = await startEmbeddedTarget({ personProcessingOptOut: [1], unknownTokens: 'accept' });
});
after(() => target.stop());

const post = async (token: string): Promise<number> => {
  const response = await request(`${target.captureUrl}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      api_key: token,
      batch: [{ event: 'signed up', distinct_id: 'embedded-user', properties: { $set: { plan: 'pro' } } }],
    }),
  });
  await response.body.dump();
  return response.statusCode;
};

test('the embedded target takes the opt-out and the unknown-token mode', async () => {
  assert.equal(await post(EMBEDDED_TOKEN), 200);
  assert.equal(await post('phc_embeddedNobody'), 200, 'accepted: enforcement off');
  const metrics = await drained(target.metricsUrl!);
  const v = (name: string, labels: Record<string, string>): number => sample(metrics, name, labels) ?? 0;
  assert.equal(
    v('ingestbench_events_processed_as_other_class_total', { rule: 'person_processing_opt_out' }),
    1,
  );
  assert.equal(v('ingestbench_events_ingested_total', { class: 'anonymous', outcome: 'ingested' }), 1);
  assert.equal(v('ingestbench_events_ingested_total', { class: 'identified', outcome: 'ingested' }), 0);
  assert.equal(
    v('ingestbench_events_ingested_total', { class: 'identified', outcome: 'dropped_unknown_token' }),
    1,
  );
});
