// The monitor against the reference target, through real sockets: events become visible with
// sane latencies; ingestion paused (capture still answering 200), the oldest unseen event's age
// passes the deadline and ingestbench_sla_ok turns 0 within two polls plus the deadline, and the
// events the next poll still does not see are lost; resumed, ingestbench_sla_ok turns 1 again
// once the lost events have left the rolling window.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { systemClock } from '../../src/clock.js';
import { startMetricsServer, type MetricsServer } from '../../src/monitor/metrics-server.js';
import { httpCapture } from '../../src/monitor/monitor-sender.js';
import { planMonitor } from '../../src/monitor/plan-monitor.js';
import { runMonitor } from '../../src/monitor/run-monitor.js';
import { createQueryClient } from '../../src/observe/query-client.js';
import { NO_FAULTS, parseFaultSpec } from '../../src/reference/pipeline/fault-spec.js';
import { startReferenceTarget } from '../../src/reference/start-reference-target.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { eventually } from '../eventually.js';
import { sample } from '../reference/server/prometheus-sample.js';
import { shortScenarioText } from '../short-scenario.js';
import { parseExposition } from './prometheus-exposition.js';

const TOKEN = 'phc_monitor';
const KEY = 'phx_monitor';
const DEADLINE_MS = 3_000;
const POLL_MS = 500;

const target = await startReferenceTarget({
  port: 0,
  memory: true,
  tokens: [TOKEN],
  personalKey: KEY,
  firstProjectId: 1,
});
after(() => target.stop());

const scenario = parseScenario(
  shortScenarioText({
    name: 'monitor-stall',
    seed: 5,
    rate: 10,
    duration: '10s',
    populationSize: 200,
    pollInterval: `${POLL_MS}ms`,
    drainTimeout: '10s',
    sla: ['visible.p99 < 3s', 'lost == 0'],
  }).replace('observation:\n', 'observation:\n  queries_per_hour: 100000\n  queries_per_minute: 10000\n'),
  '<inline>',
);

async function scrape(server: MetricsServer): Promise<string> {
  const res = await request(`${server.url}/metrics`);
  assert.equal(res.statusCode, 200);
  return res.body.text();
}

/** Scrapes until `ok(text)` holds; returns the text and when it first held (ms since `from`). */
function until(
  server: MetricsServer,
  what: string,
  ok: (text: string) => boolean,
  from: number,
  limitMs: number,
): Promise<{ text: string; afterMs: number }> {
  return eventually(what, limitMs, async () => {
    const text = await scrape(server);
    return ok(text) ? { text, afterMs: performance.now() - from } : undefined;
  });
}

const total = (text: string, name: string): number =>
  (sample(text, name, { class: 'anonymous' }) ?? NaN) + (sample(text, name, { class: 'identified' }) ?? NaN);

test('monitor sees events, notices a stalled ingestion while capture answers 200, and recovers', async (t) => {
  const plan = planMonitor(scenario, {
    ratePerClass: 4,
    queryShare: 1,
    deadlineMs: DEADLINE_MS,
    windowMs: 4_000,
  });
  assert.equal(plan.pollIntervalMs, POLL_MS, 'the budget (2,400/h, 240/min by default) would stretch polls');
  const stop = new AbortController();
  let server: MetricsServer | null = null;
  const monitor = runMonitor({
    scenario,
    plan,
    runId: 'monitor-stall-test',
    token: TOKEN,
    capture: httpCapture(target.captureUrl, 10_000),
    client: createQueryClient({
      queryUrl: target.queryUrl,
      projectId: '1',
      personalKey: KEY,
      limits: plan.limits,
    }),
    clock: systemClock,
    signal: stop.signal,
    async onMetrics(metrics) {
      server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
    },
  });
  after(() => stop.abort());
  const s = await eventually('the metrics server', 60_000, () => server ?? undefined);
  after(() => s.close());

  // 1. Flowing: both classes visible, latencies within the deadline, SLA ok.
  const start = performance.now();
  const flowing = await until(
    s,
    'ten visible events of each class',
    (t) =>
      (sample(t, 'ingestbench_events_visible_total', { class: 'anonymous' }) ?? 0) >= 10 &&
      (sample(t, 'ingestbench_events_visible_total', { class: 'identified' }) ?? 0) >= 10,
    start,
    60_000,
  );
  for (const cls of ['anonymous', 'identified']) {
    const count = sample(flowing.text, 'ingestbench_visible_latency_seconds_count', { class: cls })!;
    const sum = sample(flowing.text, 'ingestbench_visible_latency_seconds_sum', { class: cls })!;
    const mean = sum / count;
    assert.ok(mean > 0 && mean < DEADLINE_MS / 1000, `${cls} mean latency ${mean} s`);
    assert.equal(
      sample(flowing.text, 'ingestbench_visible_latency_seconds_bucket', { class: cls, le: '+Inf' }),
      count,
    );
  }
  assert.equal(sample(flowing.text, 'ingestbench_sla_ok'), 1);
  // Every metric the monitor serves, in valid exposition.
  const families = new Set(
    parseExposition(flowing.text).map((s) => s.name.replace(/_(bucket|sum|count)$/, '')),
  );
  for (const name of [
    'ingestbench_visible_latency_seconds',
    'ingestbench_visible_latency_resolution_seconds',
    'ingestbench_events_sent_total',
    'ingestbench_events_acknowledged_total',
    'ingestbench_events_visible_total',
    'ingestbench_events_lost_total',
    'ingestbench_capture_errors_total',
    'ingestbench_query_errors_total',
    'ingestbench_queries_total',
    'ingestbench_oldest_unseen_event_age_seconds',
    'ingestbench_sla_ok',
    'ingestbench_last_poll_timestamp_seconds',
  ])
    assert.ok(families.has(name), `${name} served`);
  const lastPoll = sample(flowing.text, 'ingestbench_last_poll_timestamp_seconds')!;
  assert.ok(Math.abs(lastPoll - Date.now() / 1000) < 60, `last poll at ${lastPoll}`);
  assert.equal(sample(flowing.text, 'ingestbench_visible_latency_resolution_seconds'), POLL_MS / 1000);
  assert.equal(total(flowing.text, 'ingestbench_events_lost_total'), 0);
  assert.ok((sample(flowing.text, 'ingestbench_queries_total') ?? 0) > 0);

  // 2. Paused: capture still acknowledges, the oldest unseen event ages past the deadline.
  target.setFaults(parseFaultSpec('pause'));
  const paused = performance.now();
  const ackedAtPause = total(flowing.text, 'ingestbench_events_acknowledged_total');
  const stalled = await until(
    s,
    'sla_ok 0 with the oldest unseen event past the deadline',
    (t) =>
      sample(t, 'ingestbench_sla_ok') === 0 &&
      (sample(t, 'ingestbench_oldest_unseen_event_age_seconds') ?? 0) > DEADLINE_MS / 1000,
    paused,
    60_000,
  );
  // Two polls plus the deadline, and a wide margin for a busy machine.
  assert.ok(stalled.afterMs < 2 * POLL_MS + DEADLINE_MS + 10_000, `noticed after ${stalled.afterMs} ms`);
  assert.ok(total(stalled.text, 'ingestbench_events_acknowledged_total') > ackedAtPause, 'capture still 200');
  assert.equal(total(stalled.text, 'ingestbench_capture_errors_total'), 0);
  // Still paused: the next poll finds them unseen past their deadline, so they are lost.
  const lostWhilePaused = await until(
    s,
    'lost events while paused',
    (t) => total(t, 'ingestbench_events_lost_total') > 0,
    paused,
    60_000,
  );
  assert.equal(sample(lostWhilePaused.text, 'ingestbench_sla_ok'), 0);

  // 3. Resumed: within the deadline and the window, the SLA holds again.
  target.setFaults(NO_FAULTS);
  const resumed = performance.now();
  const recovered = await until(
    s,
    'sla_ok 1 again',
    (t) => sample(t, 'ingestbench_sla_ok') === 1,
    resumed,
    60_000,
  );
  assert.ok(
    (sample(recovered.text, 'ingestbench_oldest_unseen_event_age_seconds') ?? Infinity) <= DEADLINE_MS / 1000,
  );

  t.diagnostic(
    `stall noticed after ${Math.round(stalled.afterMs)} ms, lost after ${Math.round(lostWhilePaused.afterMs)} ms, sla ok again ${Math.round(recovered.afterMs)} ms after resuming`,
  );
  stop.abort();
  const summary = await monitor;
  const c = summary.totals.classes;
  for (const cls of ['anonymous', 'identified'] as const) {
    // Every acknowledged event is accounted for: seen, lost, or still held at stop.
    assert.equal(c[cls].sent, c[cls].acknowledged);
  }
  const acknowledged = c.anonymous.acknowledged + c.identified.acknowledged;
  const decided = c.anonymous.visible + c.identified.visible + c.anonymous.lost + c.identified.lost;
  assert.equal(decided + summary.held, acknowledged);
  const last = await scrape(s);
  assert.equal(total(last, 'ingestbench_events_visible_total'), c.anonymous.visible + c.identified.visible);
  assert.equal(sample(last, 'ingestbench_queries_total'), summary.totals.queries);
});
