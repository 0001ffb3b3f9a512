// `run --metrics-listen`: the monitor's metrics fed by a run's live hook. Scraped mid-run the text
// parses as Prometheus exposition with counters already moving; scraped after the run, every
// counter equals the report's figure (lost included: a fault drops some acknowledged events).

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { parsePrometheusText } from '../../src/measure/measure-cost.js';
import { startMetricsServer } from '../../src/monitor/metrics-server.js';
import { createRunMetrics } from '../../src/monitor/run-metrics.js';
import { runScenario } from '../../src/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { EVENT_CLASSES } from '../../src/scenario/scenario.js';
import { startEmbeddedTarget } from '../../src/targets/embedded-target.js';
import { sample } from '../reference/server/prometheus-sample.js';
import { shortScenarioText } from '../short-scenario.js';
import { parseExposition } from './prometheus-exposition.js';

const target = await startEmbeddedTarget({ fault: 'drop-after-ack=0.05' });
after(() => target.stop());

async function scrape(url: string): Promise<string> {
  const res = await request(`${url}/metrics`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return res.body.text();
}

test('run metrics parse mid-run and end equal to the report', async () => {
  const scenario = parseScenario(
    shortScenarioText({
      name: 'run-metrics',
      seed: 8,
      rate: 200,
      duration: '4s',
      populationSize: 200,
      pollInterval: '250ms',
      drainTimeout: '5s',
      sla: ['visible.p99 < 30s', 'lost == 0'],
    }),
    'run-metrics.yaml',
  );
  const { metrics, onLive, onVisible } = createRunMetrics(30, scenario.observation.pollIntervalMs);
  const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
  after(() => server.close());
  let midRun: Promise<string> | null = null;
  const report = await runScenario({
    scenario,
    target,
    workers: 1,
    onVisible,
    onLive(event) {
      onLive(event);
      // The first second that sent something: scrape while the load is still running.
      if (midRun === null && event.type === 'second' && event.second.classes.anonymous.sent > 0)
        midRun = scrape(server.url);
    },
  });
  assert.ok(midRun !== null, 'a second with sends was emitted');
  const mid = await (midRun as Promise<string>);
  const samples = parsePrometheusText(mid);
  assert.ok(samples.length > 10, `${samples.length} samples parsed`);
  // Valid exposition line by line (the lenient parser above skips what it cannot read).
  assert.equal(parseExposition(mid).length, samples.length);
  const midSent = sample(mid, 'ingestbench_events_sent_total', { class: 'anonymous' }) ?? 0;
  assert.ok(midSent > 0 && midSent < report.classes.anonymous.sent, `${midSent} sent mid-run`);
  assert.equal(sample(mid, 'ingestbench_visible_latency_resolution_seconds'), 0.25);
  assert.equal(sample(mid, 'ingestbench_sla_ok'), undefined, 'a run does not judge a rolling window');

  const end = await scrape(server.url);
  parseExposition(end);
  assert.ok(report.totals.lost > 0, 'the fault made some events lost');
  for (const cls of EVENT_CLASSES) {
    const c = report.classes[cls];
    const read = (name: string): number | undefined => sample(end, name, { class: cls });
    assert.equal(read('ingestbench_events_sent_total'), c.sent, `${cls} sent`);
    assert.equal(read('ingestbench_events_acknowledged_total'), c.acknowledged, `${cls} acknowledged`);
    assert.equal(read('ingestbench_events_visible_total'), c.visible, `${cls} visible`);
    assert.equal(read('ingestbench_events_lost_total'), c.lost, `${cls} lost`);
    assert.equal(read('ingestbench_capture_errors_total'), c.rejected + c.failed, `${cls} capture errors`);
  }
  // The latency histogram: one observation per measured visible event, and buckets that hold the
  // report's percentiles (HDR's p50 is within 0.1 % of the true value: a bucket edge may move it).
  for (const cls of EVENT_CLASSES) {
    const figures = report.latency.visible[cls];
    assert.ok(figures.count > 0, `${cls}: latencies measured`);
    const count = sample(end, 'ingestbench_visible_latency_seconds_count', { class: cls });
    assert.equal(count, figures.count, `${cls} histogram count`);
    const sum = sample(end, 'ingestbench_visible_latency_seconds_sum', { class: cls })!;
    const mean = figures.mean!;
    assert.ok(
      Math.abs(sum / count - mean / 1000) <= mean / 1000 / 100 + 0.001,
      `${cls} mean ${sum / count} s vs ${mean} ms`,
    );
    const buckets = bucketsOf(end, cls);
    assert.equal(buckets.at(-1)![1], count, `${cls} +Inf bucket`);
    for (const [q, value] of [
      [0.5, figures.p50!],
      [0.99, figures.p99!],
    ] as const) {
      // The bucket the histogram puts quantile q in: the first whose cumulative count reaches it.
      const rank = Math.ceil(q * count);
      const index = buckets.findIndex(([, n]) => n >= rank);
      const upper = buckets[index]![0];
      const lower = index === 0 ? 0 : buckets[index - 1]![0];
      const s = value / 1000;
      assert.ok(
        s >= lower * 0.999 && s <= upper * 1.001,
        `${cls} p${q * 100} ${s} s in (${lower}, ${upper}]`,
      );
    }
  }
  // The preflight's queries (a count, then the probe's polls) come on top of observation's.
  const queries = sample(end, 'ingestbench_queries_total')!;
  assert.ok(
    queries >= report.observation.queries + 1 && queries <= report.observation.queries + 30,
    `${queries} queries served, ${report.observation.queries} in the report's observation`,
  );
  assert.equal(sample(end, 'ingestbench_query_errors_total'), report.observation.errors);
});

/** A class's cumulative buckets as [upper bound s, count], +Inf last. */
function bucketsOf(text: string, cls: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(
    /^ingestbench_visible_latency_seconds_bucket\{le="([^"]+)",class="([^"]+)"\} (\S+)$/gm,
  )) {
    if (m[2] === cls) out.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[3])]);
  }
  assert.ok(out.length > 5, `${cls}: ${out.length} buckets`);
  return out.sort((a, b) => a[0] - b[0]);
}
