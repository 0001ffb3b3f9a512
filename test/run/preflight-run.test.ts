// The query side of the preflight is bounded by the probe timeout (`--probe-timeout`), not by the
// request timeout (70 s for a self-hosted profile) or by eight throttle retries: a query API that
// never answers, or that throttles past the probe timeout, fails the run with exit 3 at that bound,
// before any load. Capture is a real reference target; the query API is a stub on 127.0.0.1.

import assert from 'node:assert/strict';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exitCodeFor, IngestbenchError } from '../../src/errors.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import { runScenario } from '../../src/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { posthogTargetFromEnv } from '../../src/targets/posthog-target.js';
import { shortScenarioText } from '../short-scenario.js';
import { posthogEnv } from '../posthog-env.js';

const TOKEN = 'phc_preflightBound1a';
const KEY = 'phx_preflightBound2b';
const PROBE_TIMEOUT_MS = 3_000;

type Mode = 'never answer' | 'retry after an hour';

describe('the query preflight is bounded by the probe timeout', () => {
  let reference: ReferenceTarget;
  let server: Server;
  let queryUrl = '';
  let mode: Mode = 'never answer';
  let requests = 0;
  const held = new Set<ServerResponse>();

  before(async () => {
    reference = await startReferenceTarget({ port: 0, memory: true, tokens: [TOKEN], personalKey: KEY });
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        if (mode === 'never answer') {
          held.add(res);
          return;
        }
        // PostHog's hourly throttle: most of an hour to wait.
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3600' });
        res.end(
          JSON.stringify({
            type: 'throttled_error',
            code: 'throttled',
            detail: 'Request was throttled. Expected available in 3600 seconds.',
            attr: null,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    queryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await reference.stop();
  });

  /** Runs a short scenario through the posthog target; resolves with its error and duration. */
  async function failedRun(as: Mode) {
    mode = as;
    requests = 0;
    const scenario = parseScenario(
      shortScenarioText({
        name: 'preflight-bound',
        seed: 5,
        rate: 50,
        duration: '5s',
        populationSize: 50,
        pollInterval: '1s',
        drainTimeout: '10s',
        sla: ['lost == 0'],
      }),
      'preflight-bound.yaml',
      { probeTimeoutMs: PROBE_TIMEOUT_MS },
    );
    const target = posthogTargetFromEnv(
      posthogEnv(reference, { token: TOKEN, personalKey: KEY }, { POSTHOG_QUERY_HOST: queryUrl }),
    );
    const started = Date.now();
    const error = await runScenario({ scenario, target, workers: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    return { error, elapsedMs: Date.now() - started };
  }

  /** Events capture accepted: none, not even the probe (the query preflight comes first). */
  async function captured(): Promise<number> {
    const metrics = await (await fetch(reference.metricsUrl)).text();
    return metrics
      .split('\n')
      .filter((l) => l.startsWith('ingestbench_events_captured_total'))
      .map((l) => Number(l.split(' ').at(-1)))
      .reduce((a, b) => a + b, 0);
  }

  it('a query API that never answers: exit 3 at the probe timeout, not the request timeout', async () => {
    const { error, elapsedMs } = await failedRun('never answer');
    assert.ok(error instanceof IngestbenchError, String(error));
    assert.equal(error.code, 'QUERY_DEADLINE');
    assert.equal(exitCodeFor(error), 3);
    assert.match(error.message, /did not answer the preflight query before the probe timeout/);
    assert.match(error.message, /--probe-timeout/);
    assert.ok(!error.message.includes(KEY), 'the key never appears');
    // The self-hosted profile's request timeout is 70 s; the probe timeout is 3 s.
    assert.ok(elapsedMs >= PROBE_TIMEOUT_MS - 500 && elapsedMs < 30_000, `took ${elapsedMs} ms`);
    assert.equal(requests, 1);
    assert.equal(await captured(), 0);
  });

  it('a Retry-After past the probe timeout is not waited: exit 3 at once, after one query', async () => {
    const { error, elapsedMs } = await failedRun('retry after an hour');
    assert.ok(error instanceof IngestbenchError, String(error));
    assert.equal(error.code, 'QUERY_BUDGET_EXHAUSTED');
    assert.equal(exitCodeFor(error), 3);
    assert.match(error.message, /before the probe timeout/);
    assert.match(error.message, /would end past the deadline/);
    assert.ok(elapsedMs < 30_000, `took ${elapsedMs} ms`);
    assert.equal(requests, 1, 'no retry: the wait would outlast the probe timeout');
    assert.equal(await captured(), 0);
  });
});
