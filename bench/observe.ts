// Observation bench (`npm run bench -- observe`, or `node dist/bench/index.js observe [rate] [seconds]`):
// the posthog target (a real PostHog's code path: environment-configured, no embedded shortcuts)
// against the reference target started with PostHog's cloud query limits (`serve --query-limits
// cloud`: 240/min, 2,400/h, 3 concurrent, LIMIT without hasMore, OFFSET refused), at 10,000
// events/s for 5 minutes by default. Prints:
//   - queries per minute and per hour at their peak, against the limits; throttled answers
//   - rows fetched per acknowledged event (what exact observation costs)
//   - visible latency beside the target's own commit times (inserted_at − intended: ground truth),
//     percentile by percentile; the difference should lie within [0, resolution]
//   - then the same run as 4 shard processes (`run --shard i/4`) with one personal API key: the
//     merged queries against the key's minute and hour limits (observe-shards.ts)

import { once } from 'node:events';
import { build } from 'hdr-histogram-js';
import { hogqlDateTime, hogqlLiteral, parseHogqlDateTime } from '../src/observe/hogql-literal.js';
import { createQueryClient, type QueryClient } from '../src/observe/query-client.js';
import type { Report } from '../src/report/report-types.js';
import { newRunId, runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { posthogTargetFromEnv } from '../src/targets/posthog-target.js';

import { runShardedObservation } from './observe-shards.js';
import { KEY, startServe, TOKEN } from './serve-process.js';

export interface ObserveBenchOptions {
  readonly rate?: number;
  readonly seconds?: number;
  readonly out?: NodeJS.WritableStream;
}

export async function runObserveBench(options: ObserveBenchOptions = {}): Promise<void> {
  const rate = options.rate ?? 10_000;
  const seconds = options.seconds ?? 300;
  const out = options.out ?? process.stdout;
  const print = (line: string): void => void out.write(`${line}\n`);
  print(
    `observe bench: posthog target → reference (--query-limits cloud), ${rate} events/s for ${seconds} s`,
  );

  const server = await startServe();
  try {
    const target = posthogTargetFromEnv({
      POSTHOG_HOST: server.url,
      POSTHOG_PROJECT_API_KEY: TOKEN,
      POSTHOG_PERSONAL_API_KEY: KEY,
      POSTHOG_PROJECT_ID: '1',
    });
    const scenario = parseScenario(observeScenarioText(rate, seconds), 'observe-bench.yaml');
    const runId = newRunId();
    const started = Date.now();
    const report = await runScenario({ scenario, target, workers: 2, runId });
    const wallS = (Date.now() - started) / 1000;
    printObservation(print, report, wallS);
    await printGroundTruth(print, report, runId, server.url);
  } finally {
    server.child.kill('SIGINT');
    await once(server.child, 'exit');
  }
  // The same run as 4 shard processes with one key, on a fresh reference (a fresh hour for the key).
  await runShardedObservation({ print, shards: 4, scenarioText: observeScenarioText(rate, seconds) });
}

/**
 * The bench's scenario: a steady rate of pageviews and custom events, polled every second. It names
 * the cloud profile `serve` enforces: a loopback host alone plans self-hosted (no minute or hour
 * window), and the shards would then spend no share of the key's 240/min and 2,400/h.
 */
function observeScenarioText(rate: number, seconds: number): string {
  return `name: observe-bench
seed: 11
phases:
  - kind: steady
    rate: ${rate}
    duration: ${seconds}s
batch_size: 100
population:
  size: 20000
  returning: 0.3
behaviours:
  - kind: pageview
    weight: 3
  - kind: custom
    weight: 1
    events: [report viewed]
observation:
  limits: cloud
  poll_interval: 1s
  drain_timeout: 60s
load:
  max_in_flight: 256
`;
}

function printObservation(print: (line: string) => void, report: Report, wallS: number): void {
  const o = report.observation;
  const t = report.totals;
  print(
    `  run: ${wallS.toFixed(0)} s wall; sent ${t.sent}, acknowledged ${t.acknowledged}, dropped ${t.dropped}`,
  );
  print(
    `  observation: ${o.method} (${o.methodReason ?? 'as the scenario asks'}), ${o.endReason}; poll ${o.pollIntervalMs} ms (asked ${o.requestedPollIntervalMs} ms)` +
      `${o.pollStretch ? ` — ${o.pollStretch}` : ''}; resolution ${Math.round(o.resolutionMs)} ms; ${o.polls} polls`,
  );
  print(
    `  queries: ${o.queries} (${o.throttled} throttled); peak ${o.budget.peakPerMinute} / ${o.budget.perMinute ?? '∞'} per minute ` +
      (o.budget.perMinute ? `(${pct(o.budget.peakPerMinute / o.budget.perMinute)})` : '') +
      `, ${o.budget.peakPerHour} / ${o.budget.perHour ?? '∞'} per hour` +
      (o.budget.perHour ? ` (${pct(o.budget.peakPerHour / o.budget.perHour)})` : ''),
  );
  print(
    `  rows fetched per acknowledged event: ${(o.rowsRead / Math.max(1, t.acknowledged)).toFixed(3)} ` +
      `(${o.rowsRead} rows in ${o.pages} pages)`,
  );
  print(`  visible ${t.visible}, lost ${t.lost}, unverified ${t.unverified}, duplicates ${t.duplicates}`);
}

/**
 * inserted_at − timestamp of every stored event of the run (the target's commit time against the
 * intended send time), read by keyset pages, next to the run's visible percentiles.
 */
async function printGroundTruth(
  print: (line: string) => void,
  report: Report,
  runId: string,
  url: string,
): Promise<void> {
  // Its own client, within the same cloud limits (the run's minute window has passed by now).
  const client = createQueryClient({ queryUrl: url, projectId: '1', personalKey: KEY });
  const truth = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let rows = 0;
  for await (const [timestamp, insertedAt] of runRows(client, runId)) {
    truth.recordValue(Math.max(1, Math.round((insertedAt - timestamp) * 1000)));
    rows += 1;
  }
  const visible = report.latency.visible.all;
  print(
    `  ground truth: ${rows} stored rows; latency ms (visible = first poll that saw it; commit = inserted_at)`,
  );
  print('      pct     visible      commit   visible−commit');
  for (const [name, q] of [
    ['p50', 50],
    ['p90', 90],
    ['p99', 99],
    ['max', 100],
  ] as const) {
    const v = visible[name === 'max' ? 'max' : name];
    const c = truth.getValueAtPercentile(q) / 1000;
    print(
      `    ${name.padStart(5)} ${fmt(v).padStart(11)} ${fmt(c).padStart(11)} ${v === null ? '' : fmt(v - c).padStart(15)}`,
    );
  }
  print(
    `    (resolution ${Math.round(report.observation.resolutionMs)} ms: visible − commit should lie within [0, resolution])`,
  );
}

async function* runRows(client: QueryClient, runId: string): AsyncGenerator<[number, number]> {
  let after: { ts: string; uuid: string } | null = null;
  for (;;) {
    const cut = after
      ? ` AND (timestamp > ${hogqlDateTime(parseHogqlDateTime(after.ts)!)} OR (timestamp = ${hogqlDateTime(parseHogqlDateTime(after.ts)!)} AND uuid > ${hogqlLiteral(after.uuid)}))`
      : '';
    const res = await client.query(
      `SELECT uuid, timestamp, inserted_at FROM events WHERE properties.ingestbench_run = ${hogqlLiteral(runId)}${cut} ` +
        'ORDER BY timestamp ASC, uuid ASC LIMIT 50000',
    );
    for (const [, ts, inserted] of res.results) {
      const t = parseHogqlDateTime(ts);
      const i = parseHogqlDateTime(inserted);
      if (t !== null && i !== null) yield [t, i];
    }
    if (res.results.length < 50_000) return;
    const last = res.results.at(-1)!;
    after = { ts: String(last[1]), uuid: String(last[0]) };
  }
}

const pct = (share: number): string => `${(share * 100).toFixed(0)} %`;
const fmt = (ms: number | null): string => (ms === null ? '-' : ms.toFixed(0));
