import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { createIngestionMetrics, latencyBuckets } from '../../src/monitor/ingestion-metrics.js';
import { parseListen, startMetricsServer } from '../../src/monitor/metrics-server.js';
import { sample } from '../reference/server/prometheus-sample.js';

describe('metrics server', () => {
  it('serves /metrics as Prometheus text and /healthz, 404 elsewhere', async () => {
    let age = 12.5;
    const metrics = createIngestionMetrics(30, {
      resolutionSeconds: () => 15,
      oldestUnseenAgeSeconds: () => age,
      lastPollSeconds: () => 1_700_000_000,
    });
    metrics.sent('anonymous', 3);
    metrics.visible('anonymous', 2_000);
    metrics.visible('anonymous', 40_000);
    const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
    after(() => server.close());
    const get = async (path: string) => {
      const res = await request(`${server.url}${path}`);
      return {
        status: res.statusCode,
        type: String(res.headers['content-type']),
        text: await res.body.text(),
      };
    };
    const m = await get('/metrics');
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(m.text, 'ingestbench_events_sent_total', { class: 'anonymous' }), 3);
    assert.equal(sample(m.text, 'ingestbench_events_sent_total', { class: 'identified' }), 0);
    assert.equal(
      sample(m.text, 'ingestbench_visible_latency_seconds_bucket', { class: 'anonymous', le: '30' }),
      1,
    );
    assert.equal(
      sample(m.text, 'ingestbench_visible_latency_seconds_bucket', { class: 'anonymous', le: '60' }),
      2,
    );
    assert.equal(sample(m.text, 'ingestbench_oldest_unseen_event_age_seconds'), 12.5);
    age = 99;
    assert.equal(sample((await get('/metrics')).text, 'ingestbench_oldest_unseen_event_age_seconds'), 99);
    assert.equal(sample(m.text, 'ingestbench_sla_ok'), undefined, 'not given, not served');
    assert.deepEqual([(await get('/healthz')).status, (await get('/healthz')).text], [200, 'ok\n']);
    assert.equal((await get('/other')).status, 404);
  });

  it('reads host:port and refuses anything else as a usage error', () => {
    assert.deepEqual(parseListen('127.0.0.1:9464', '--listen'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseListen('[::1]:0', '--listen'), { host: '::1', port: 0 });
    for (const bad of ['9464', ':9464', 'localhost:', 'localhost:99999', 'localhost:x'])
      assert.throws(() => parseListen(bad, '--listen'), { code: 'USAGE' }, bad);
  });

  it('has buckets up to the deadline and beyond it', () => {
    const buckets = latencyBuckets(30);
    assert.ok(buckets.includes(30) && buckets.includes(150));
    assert.ok(buckets.at(-1)! >= 3600);
    assert.deepEqual(
      buckets,
      [...buckets].sort((a, b) => a - b),
    );
  });
});
