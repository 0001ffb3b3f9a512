// `run --metrics-listen`: the monitor's metrics fed by a run's live hook. Scraped mid-run the text
// parses as Prometheus exposition with counters already moving and the monitor's gauges served
// (last poll within the run, the oldest unseen event's age bounded by the run's, the SLA window
// ok); scraped after the run, every counter equals the report's figure (lost included: a fault
// drops some acknowledged events) and the window, holding those lost events, fails the SLA. A run
// whose ingestion stores nothing (capture still answers 200) shows, while it runs, the oldest
// unseen event's age growing past the deadline and ingestbench_sla_ok 0, in either observation.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { parsePrometheusText } from '../../src/measure/measure-cost.js';
import { startMetricsServer } from '../../src/monitor/metrics-server.js';
import { planMonitorSla } from '../../src/monitor/monitor-sla.js';
import { createRunMetrics } from '../../src/monitor/run-metrics.js';
import { runScenario } from '../../src/run-scenario.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { EVENT_CLASSES } from '../../src/scenario/scenario.js';
import { startEmbeddedTarget } from '../../src/targets/embedded-target.js';
import { eventually } from '../eventually.js';
import { sample } from '../reference/server/prometheus-sample.js';
import { shortScenarioText } from '../short-scenario.js';
import { parseExposition } from './prometheus-exposition.js';

const target = await startEmbeddedTarget({ fault: 'drop-after-ack=0.05' });
after(() => target.stop());
// Capture acknowledges every event and ingestion stores none (the preflight's probe is spared).
const stalled = await startEmbeddedTarget({ fault: 'drop-after-ack=1' });
after(() => stalled.stop());

async function scrape(url: string): Promise<string> {
  const res = await request(`${url}/metrics`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return res.body.text();
}

/** A run's metrics for `scenario`, served on a loopback port; its SLA plan must have `deadlineMs`. */
async function serveRunMetrics(scenario: ReturnType<typeof parseScenario>, deadlineMs: number) {
  const sla = planMonitorSla(scenario.sla);
  assert.equal(sla.deadlineMs, deadlineMs);
  const runMetrics = createRunMetrics(sla, scenario.observation.pollIntervalMs);
  const server = await startMetricsServer(runMetrics.metrics, { host: '127.0.0.1', port: 0 });
  after(() => server.close());
  return { sla, server, ...runMetrics };
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
  const { server, onLive, onVisible, onObserving } = await serveRunMetrics(scenario, 30_000);
  let midRun: Promise<string> | null = null;
  let gauges: Promise<{ text: string; atMs: number; reportOut: boolean }> | null = null;
  let reportOut = false;
  const runStart = Date.now();
  const report = await runScenario({
    scenario,
    target,
    workers: 1,
    onVisible,
    onObserving,
    onLive(event) {
      onLive(event);
      if (event.type === 'report') reportOut = true;
      // The first second that sent something: scrape while the load is still running.
      if (midRun === null && event.type === 'second' && event.second.classes.anonymous.sent > 0)
        midRun = scrape(server.url);
      // The first second of the load in which events became visible: a poll has answered (or is
      // finishing), so scrape until the gauges show it.
      if (
        gauges === null &&
        event.type === 'second' &&
        event.second.stage === 'load' &&
        event.second.classes.anonymous.visible + event.second.classes.identified.visible > 0
      )
        gauges = eventually('a scrape with a last poll', 30_000, async () => {
          const text = await scrape(server.url);
          return (sample(text, 'ingestbench_last_poll_timestamp_seconds') ?? 0) > 0
            ? { text, atMs: Date.now(), reportOut }
            : undefined;
        });
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

  // The monitor's gauges, mid-run.
  assert.ok(gauges !== null, 'a load second with visible events was emitted');
  const g = await (gauges as Promise<{ text: string; atMs: number; reportOut: boolean }>);
  assert.ok(!g.reportOut, 'scraped before the report');
  assert.equal(parseExposition(g.text).length, parsePrometheusText(g.text).length);
  const lastPoll = sample(g.text, 'ingestbench_last_poll_timestamp_seconds')!;
  assert.ok(
    lastPoll * 1000 >= runStart && lastPoll * 1000 <= g.atMs,
    `last poll ${lastPoll * 1000 - runStart} ms into the run, scraped at ${g.atMs - runStart} ms`,
  );
  const age = sample(g.text, 'ingestbench_oldest_unseen_event_age_seconds');
  assert.ok(age !== undefined, 'oldest unseen age served');
  // Dropped events stay unseen, so it may count from the run's first second, never from before it.
  assert.ok(age >= 0 && age * 1000 <= g.atMs - runStart + 1000, `oldest unseen ${age} s`);
  assert.equal(sample(g.text, 'ingestbench_sla_ok'), 1, 'the SLA holds over the window so far');

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
  // The report's lost events are in the window now: `lost == 0` fails there as in the report.
  assert.equal(report.verdict, 'fail');
  assert.equal(sample(end, 'ingestbench_sla_ok'), 0);
});

for (const method of ['exact', 'counts'] as const) {
  test(`run metrics mid-run, ${method} observation: ingestion stores nothing, the oldest unseen event ages past the deadline and sla_ok turns 0`, async () => {
    const scenario = parseScenario(
      shortScenarioText({
        name: `run-metrics-stall-${method}`,
        seed: 9,
        rate: 40,
        duration: '8s',
        populationSize: 200,
        pollInterval: '250ms',
        drainTimeout: '2s',
        sla: ['visible.p99 < 2s'],
        method,
      }),
      'run-metrics-stall.yaml',
    );
    const { sla, server, onLive, onVisible, onObserving } = await serveRunMetrics(scenario, 2_000);
    interface Scrape {
      readonly atMs: number;
      readonly age: number;
      readonly slaOk: number;
      readonly lastPoll: number;
    }
    const scrapes: Scrape[] = [];
    let ended = false;
    let scraping: Promise<void> | null = null;
    const runStart = Date.now();
    const report = await runScenario({
      scenario,
      target: stalled,
      workers: 1,
      onVisible,
      onObserving,
      onLive(event) {
        onLive(event);
        if (event.type === 'stage' && event.stage === 'drain') ended = true;
        // From the first second of the load to its end, a scrape every 250 ms.
        if (scraping === null && event.type === 'second')
          scraping = (async () => {
            while (!ended) {
              const text = await scrape(server.url);
              const atMs = Date.now();
              if (ended) return; // answered after the load: not mid-run
              parseExposition(text);
              const read = (name: string): number => {
                const v = sample(text, name);
                assert.ok(v !== undefined, `${name} served`);
                return v;
              };
              scrapes.push({
                atMs,
                age: read('ingestbench_oldest_unseen_event_age_seconds'),
                slaOk: read('ingestbench_sla_ok'),
                lastPoll: read('ingestbench_last_poll_timestamp_seconds'),
              });
              await new Promise((resolve) => setTimeout(resolve, 250));
            }
          })();
      },
    });
    assert.ok(scraping !== null, 'a second was emitted');
    await (scraping as Promise<void>);
    assert.equal(report.classes.anonymous.visible + report.classes.identified.visible, 0, 'nothing stored');
    assert.ok(report.totals.acknowledged > 0, 'capture acknowledged');
    assert.ok(scrapes.length >= 3, `${scrapes.length} scrapes during the load`);
    for (const s of scrapes) {
      const elapsed = s.atMs - runStart;
      assert.ok(s.age >= 0 && s.age * 1000 <= elapsed + 1000, `age ${s.age} s at ${elapsed} ms`);
      if (s.lastPoll > 0)
        assert.ok(s.lastPoll * 1000 >= runStart && s.lastPoll * 1000 <= s.atMs, `last poll at ${s.lastPoll}`);
      // The deadline condition: past it the SLA does not hold (nothing visible: no latency to
      // judge). The two gauges are read a moment apart: a scrape astride the deadline says nothing.
      if (Math.abs(s.age - sla.deadlineMs / 1000) > 0.05)
        assert.equal(s.slaOk, s.age > sla.deadlineMs / 1000 ? 0 : 1, `sla_ok with age ${s.age} s`);
    }
    // It grows as the clock does: the oldest unseen event stays the run's first.
    const aged = scrapes.filter((s) => s.age > 0);
    const first = aged[0]!;
    const last = aged.at(-1)!;
    assert.ok(aged.length >= 2 && last.atMs - first.atMs >= 2_000, `${aged.length} scrapes with an age`);
    const grew = last.age - first.age;
    assert.ok(
      // Wide margins: a scrape's answer may be late on a busy machine, and the oldest may turn
      // older once a batch in flight at a poll is acknowledged.
      grew * 1000 >= (last.atMs - first.atMs) / 2 && grew * 1000 <= last.atMs - first.atMs + 2_000,
      `grew ${grew} s over ${last.atMs - first.atMs} ms`,
    );
    const broken = scrapes.filter((s) => s.slaOk === 0);
    assert.ok(broken.length > 0, 'sla_ok 0 during the load');
    assert.ok(broken.every((s) => s.age > sla.deadlineMs / 1000));
    assert.ok(last.lastPoll > 0, 'polls answered during the load');
  });
}

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
