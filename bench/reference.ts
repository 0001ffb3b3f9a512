// Reference target bench (`node dist/bench/reference.js`, or `npm run bench -- reference`):
// what the reference pipeline does on this machine, with the load generator in a worker thread.
//   1. capture → durable queue, events/s (batches of 100, uncompressed; ingestion held back)
//   2. ingestion events/s, anonymous-only and identified-only (a preloaded queue of the same
//      number of events for each class, then released)
//   3. p50 time-to-queryable at half the anonymous ingestion maximum (probes polled via HogQL),
//      measured as the harness does: from the probe's intended time to the response of the poll
//      that first returned it, every probe since the start asked for at each poll
//   4. identified/anonymous ingestion CPU per event, from /metrics

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { request } from 'undici';
import { decodeEventUuid, runTag } from '../src/generate/event-uuid.js';
import {
  costCountersFromMetrics,
  measureCost,
  parsePrometheusText,
  scrapeCostCounters,
} from '../src/measure/measure-cost.js';
import { startReferenceTarget, type ReferenceTarget } from '../src/reference/start-reference-target.js';
import type { EventClass } from '../src/scenario/scenario.js';
import type { LoadConfig, LoadResult } from './reference-load-worker.js';
import { fmt } from './bench-figures.js';

const TOKEN = 'phc_ingestbench';
const PERSONAL_KEY = 'phx_ingestbench';
const HOLD = 'delay=1h';

export interface ReferenceBenchOptions {
  /** Where the figures are printed (default stdout). */
  readonly out?: NodeJS.WritableStream;
  /** Shorter phases, for a smoke run. */
  readonly quick?: boolean;
}

export interface ReferenceBenchFigures {
  readonly captureEventsPerSecond: number;
  readonly ingestEventsPerSecond: Readonly<Record<EventClass, number>>;
  readonly ingestCpuMicrosPerEvent: Readonly<Record<EventClass, number>>;
  readonly identifiedToAnonymousCpuRatio: number;
  readonly timeToQueryable: {
    readonly rate: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly probes: number;
    readonly seen: number;
    readonly pollMs: number;
  };
}

export async function runReferenceBench(options: ReferenceBenchOptions = {}): Promise<ReferenceBenchFigures> {
  const out = options.out ?? process.stdout;
  const scale = options.quick === true ? 0.3 : 1;
  const print = (line: string): void => void out.write(`${line}\n`);
  print('reference target bench (2 cores: target main thread, ingestion child, load worker thread)');

  const capture = await withTarget(HOLD, async (target) => {
    await load(target, {
      eventClass: 'anonymous',
      connections: 8,
      durationMs: 1000,
      totalEvents: Infinity,
      rate: 0,
    });
    const result = await load(target, {
      eventClass: 'anonymous',
      connections: 8,
      durationMs: 6000 * scale,
      totalEvents: Infinity,
      rate: 0,
    });
    return { perSecond: result.acked / (result.elapsedMs / 1000), result };
  });
  print(
    `capture → durable queue: ${fmt(capture.perSecond)} events/s (batches of 100, 8 connections, statuses ${JSON.stringify(capture.result.statuses)})`,
  );

  const ingest = {} as Record<EventClass, { perSecond: number; cpuMicrosPerEvent: number }>;
  for (const eventClass of ['anonymous', 'identified'] as const) {
    // The same number of events for each class, so neither figure rests on fewer events.
    const total = Math.round((150_000 * scale) / 100) * 100;
    ingest[eventClass] = await withTarget(HOLD, async (target) => {
      const preload = await load(target, {
        eventClass,
        connections: 8,
        durationMs: 120_000,
        totalEvents: total,
        rate: 0,
      });
      const before = await scrapeCostCounters(target.metricsUrl);
      const started = performance.now();
      await setFaults(target, 'none');
      const done = await waitForMetric(target, (m) => ingestedOf(m, eventClass) >= preload.acked, 120_000);
      const seconds = (performance.now() - started) / 1000;
      // The harness's own cost probe reads the same counters a run would.
      const cost = measureCost(before, costCountersFromMetrics(done)).classes[eventClass];
      return { perSecond: preload.acked / seconds, cpuMicrosPerEvent: cost.cpuMicrosPerEvent ?? Number.NaN };
    });
    print(
      `ingestion, ${eventClass} only: ${fmt(ingest[eventClass].perSecond)} events/s, ${ingest[eventClass].cpuMicrosPerEvent.toFixed(1)} µs CPU/event`,
    );
  }
  const ratio = ingest.identified.cpuMicrosPerEvent / ingest.anonymous.cpuMicrosPerEvent;
  print(`identified/anonymous ingestion CPU per event: ${ratio.toFixed(2)}x`);

  const rate = Math.round(ingest.anonymous.perSecond / 2 / 100) * 100;
  const ttq = await withTarget('none', (target) => timeToQueryable(target, rate, 10_000 * scale));
  print(
    `time-to-queryable at ${fmt(rate)} events/s (half the anonymous maximum): p50 ${ttq.p50Ms.toFixed(0)} ms, ` +
      `p99 ${ttq.p99Ms.toFixed(0)} ms (${ttq.seen}/${ttq.probes} probes seen, poll every ${ttq.pollMs} ms)`,
  );
  return {
    captureEventsPerSecond: capture.perSecond,
    ingestEventsPerSecond: { anonymous: ingest.anonymous.perSecond, identified: ingest.identified.perSecond },
    ingestCpuMicrosPerEvent: {
      anonymous: ingest.anonymous.cpuMicrosPerEvent,
      identified: ingest.identified.cpuMicrosPerEvent,
    },
    identifiedToAnonymousCpuRatio: ratio,
    timeToQueryable: ttq,
  };
}

async function withTarget<T>(fault: string, body: (target: ReferenceTarget) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-bench-'));
  const target = await startReferenceTarget({
    port: 0,
    data: dir,
    tokens: [TOKEN],
    personalKey: PERSONAL_KEY,
    fault,
  });
  try {
    return await body(target);
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let runCounter = 0;
type LoadSettings = Pick<LoadConfig, 'eventClass' | 'connections' | 'durationMs' | 'totalEvents' | 'rate'> & {
  probeEvery?: number;
};

/** Starts a load worker; `tag` decodes the uuids it sends (encodeEventUuid). */
function startLoad(
  target: ReferenceTarget,
  settings: LoadSettings,
): { tag: number; done: Promise<LoadResult> } {
  const runId = `bench-${process.pid}-${runCounter++}`;
  const config: LoadConfig = {
    origin: target.captureUrl,
    token: TOKEN,
    batchSize: 100,
    runTag: runTag(runId),
    runId,
    users: 10_000,
    probeEvery: settings.probeEvery ?? 0,
    ...settings,
  };
  const worker = new Worker(new URL('./reference-load-worker.js', import.meta.url), { workerData: config });
  const done = new Promise<LoadResult>((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
  return { tag: config.runTag, done };
}

const load = (target: ReferenceTarget, settings: LoadSettings): Promise<LoadResult> =>
  startLoad(target, settings).done;

async function timeToQueryable(
  target: ReferenceTarget,
  rate: number,
  durationMs: number,
): Promise<ReferenceBenchFigures['timeToQueryable']> {
  const pollMs = 100;
  const firstSeen = new Map<number, number>();
  const { tag, done: sending } = startLoad(target, {
    eventClass: 'anonymous',
    connections: 16,
    durationMs,
    totalEvents: Infinity,
    rate,
    probeEvery: 100,
  });
  let done = false;
  const sent = sending.then((r) => {
    done = true;
    return r;
  });
  const since = new Date(Date.now() - 1000).toISOString();
  let drainUntil = Infinity;
  while (performance.now() < drainUntil) {
    const askedAt = Date.now();
    // Every probe since the start, each poll: no window that could leave a slow probe out.
    const rows = await hogql(
      target,
      `SELECT uuid FROM events WHERE event = 'ingestbench probe' AND timestamp >= '${since}' LIMIT 50000`,
    );
    // As the harness's poller: first seen when the response that returned it had been read.
    const polledAt = Date.now();
    for (const [uuid] of rows) {
      const decoded = decodeEventUuid(String(uuid), tag);
      if (decoded !== null && !firstSeen.has(decoded.seq))
        firstSeen.set(decoded.seq, polledAt - decoded.unixMs);
    }
    if (done && drainUntil === Infinity) drainUntil = performance.now() + 3_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, pollMs - (Date.now() - askedAt))));
  }
  const result = await sent;
  const latencies = [...firstSeen.values()].sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    rate,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    probes: Math.floor(result.acked / 100),
    seen: latencies.length,
    pollMs,
  };
}

async function hogql(target: ReferenceTarget, query: string): Promise<unknown[][]> {
  const response = await request(`${target.queryUrl}/api/projects/1/query/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PERSONAL_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { kind: 'HogQLQuery', query }, refresh: 'force_blocking' }),
  });
  const body = (await response.body.json()) as { results?: unknown[][] };
  if (response.statusCode !== 200)
    throw new Error(`query API answered ${response.statusCode}: ${JSON.stringify(body)}`);
  return body.results ?? [];
}

async function setFaults(target: ReferenceTarget, spec: string): Promise<void> {
  const response = await request(`${target.adminUrl}/admin/faults`, { method: 'POST', body: spec });
  await response.body.dump();
}

async function waitForMetric(
  target: ReferenceTarget,
  ready: (metrics: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await request(target.metricsUrl);
    const text = await response.body.text();
    if (ready(text)) return text;
    if (performance.now() > deadline) throw new Error('bench: ingestion did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ingestedOf = (metrics: string, eventClass: EventClass): number =>
  parsePrometheusText(metrics)
    .filter(
      (s) =>
        s.name === 'ingestbench_events_ingested_total' &&
        s.labels['class'] === eventClass &&
        s.labels['outcome'] === 'ingested',
    )
    .reduce((sum, s) => sum + s.value, 0);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runReferenceBench({ quick: process.argv.includes('--quick') });
}
