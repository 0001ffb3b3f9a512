// An organisation over its API-queries quota gets 0 concurrent queries: PostHog holds each query
// about 30 s, then answers 429 without Retry-After. The run must fail fast with exit 3, before any
// load, naming the quota (and the team's other queries) instead of retrying for minutes. A real
// reference target on 127.0.0.1 with `--query-concurrency 0` holds the queries for real.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exitCodeFor, IngestbenchError } from '../src/errors.js';
import { startReferenceTarget, type ReferenceTarget } from '../src/reference/start-reference-target.js';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { posthogTargetFromEnv } from '../src/targets/posthog-target.js';
import { shortScenarioText } from './short-scenario.js';
import { posthogEnv } from './posthog-env.js';

const TOKEN = 'phc_quotaToken5e6f';
const KEY = 'phx_quotaKey7a8b';

describe('a query API whose every slot is held', () => {
  let reference: ReferenceTarget;
  before(async () => {
    reference = await startReferenceTarget({
      port: 0,
      memory: true,
      tokens: [TOKEN],
      personalKey: KEY,
      queryLimits: 'cloud',
      queryLimitOverrides: { concurrent: 0 },
    });
  });
  after(() => reference.stop());

  it('fails the run with exit 3 in under 2 minutes, before any load, naming the API-queries quota', async () => {
    const scenario = parseScenario(
      shortScenarioText({
        name: 'quota',
        seed: 3,
        rate: 50,
        duration: '5s',
        populationSize: 50,
        pollInterval: '1s',
        drainTimeout: '10s',
        sla: ['lost == 0'],
      }),
      'quota.yaml',
    );
    const target = posthogTargetFromEnv(posthogEnv(reference, { token: TOKEN, personalKey: KEY }));
    const started = Date.now();
    const error = await runScenario({ scenario, target, workers: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    const elapsedMs = Date.now() - started;
    assert.ok(error instanceof IngestbenchError, String(error));
    assert.equal(error.code, 'QUERY_SLOTS_HELD');
    assert.equal(exitCodeFor(error), 3);
    assert.match(error.message, /over its API-queries quota/);
    assert.match(error.message, /other queries of this team/);
    assert.ok(!error.message.includes(KEY), 'the key never appears');
    // Two held queries of 30 s each and one back-off; well under the 2 minutes (and the 7 to 8
    // minutes of eight retries with back-off before).
    assert.ok(elapsedMs >= 55_000 && elapsedMs < 120_000, `took ${elapsedMs} ms`);
    // Before any load: capture accepted no event, not even the probe (its reachability check
    // carries none).
    const metrics = await (await fetch(reference.metricsUrl)).text();
    const captured = metrics
      .split('\n')
      .filter((l) => l.startsWith('ingestbench_events_captured_total'))
      .map((l) => Number(l.split(' ').at(-1)));
    assert.equal(
      captured.reduce((a, b) => a + b, 0),
      0,
    );
    const held = metrics.split('\n').find((l) => l.includes('outcome="throttled_concurrency"'));
    assert.equal(Number(held?.split(' ').at(-1)), 2, 'exactly two queries were held and refused');
  });
});
