// Shards bench (`npm run bench -- shards`): what splitting one run into local shards does on this
// machine, and what merging costs.
//   1. throughput at full speed into the reference target's /test/black_hole/ with 1, 2 and 4
//      shards of one run, each shard its own process (as `run --shard i/n` would be) with one load
//      worker, all aimed at one sink child process over the same steady window. Rounds alternate
//      the order of the shard counts, so drift on this shared machine spreads over all of them.
//   2. merge time of 4 shard reports of 1 million events each (histograms filled with 1 million
//      values per metric and class): mergeReports alone, and the whole `ingestbench merge` (read,
//      parse, merge, write the four report files).
// Figures are printed, never asserted. On two cores the sink's one thread and the senders share
// the machine: more shards cannot add cores, so the figure to read is the ratio to one shard.

import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { main } from '../src/cli/main.js';
import { Prng } from '../src/generate/prng.js';
import { Ledger } from '../src/load/ledger.js';
import { latencyHistogram, toMicros } from '../src/core/latency-histogram.js';
import { planLoad } from '../src/load/plan-load.js';
import { runLoad } from '../src/load/run-load.js';
import { shardRunId, type RunShard } from '../src/load/shard-spec.js';
import { latencySummary } from '../src/measure/latency-summary.js';
import { mergeReports } from '../src/report/merge-reports.js';
import {
  LATENCY_METRICS,
  LATENCY_SCOPES,
  REPORT_SCHEMA_VERSION,
  type ClassTotals,
  type LatencyFigures,
  type Report,
} from '../src/report/report-types.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { fmt, median } from './bench-figures.js';
import { BLACK_HOLE, SINK_TOKEN, startSinkProcess } from './sink-process.js';

const QUICKSTART = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));
/** A ceiling above what this machine's sink takes; full speed stops at the end of the duration. */
const FULL_SPEED_PLAN = 1_200_000;
const WARMUP_SECONDS = 2;
/** In-flight requests of all shards together, split evenly: the comparison is of the split alone. */
const CONNECTIONS = 16;

export interface ShardsFigures {
  readonly eventsPerSecond: Readonly<Record<number, number>>;
  readonly mergeMs: { readonly mergeReports: number; readonly command: number };
}

interface ShardJob {
  readonly index: number;
  readonly count: number;
  readonly url: string;
  readonly seconds: number;
}

export async function runShardsBench(options: { quick?: boolean } = {}): Promise<ShardsFigures> {
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const quick = options.quick === true;
  const sink = await startSinkProcess();
  const seconds = quick ? 4 : 10;
  const counts = [1, 2, 4];
  const samples: Record<number, number[]> = { 1: [], 2: [], 4: [] };
  print(
    `sink: ${sink.kind} in a child process; each shard a child process with 1 load worker; ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
  );
  try {
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      const order = round % 2 === 0 ? counts : [...counts].reverse();
      const line: string[] = [];
      for (const n of order) {
        const figures = await shardedThroughput(sink.url, n, seconds);
        samples[n]!.push(figures.eventsPerSecond);
        const failed = figures.failedRequests > 0 ? ` (${fmt(figures.failedRequests)} failed requests)` : '';
        line.push(`${n} shard(s) ${fmt(figures.eventsPerSecond)} events/s${failed}`);
      }
      print(`  round ${round + 1}: ${line.join(', ')}`);
    }
  } finally {
    await sink.stop();
  }
  const eventsPerSecond = Object.fromEntries(counts.map((n) => [n, median(samples[n]!)]));
  // Ratios are taken within a round (the machine's load drifts between rounds), then the median.
  const ratios = (n: number): number[] => samples[n]!.map((eps, round) => eps / samples[1]![round]!);
  print(
    `throughput, full speed, batches of 100, uncompressed, ${CONNECTIONS} connections split over the shards, ` +
      `medians of ${samples[1]!.length} round(s), ratios within each round: ` +
      counts
        .map(
          (n) =>
            `${n} shard(s) ${fmt(eventsPerSecond[n]!)} events/s (×${median(ratios(n)).toFixed(2)} of 1 shard)`,
        )
        .join(', '),
  );

  const events = 1_000_000;
  const reports = [1, 2, 3, 4].map((i) => syntheticShardReport(i, 4, events));
  const dir = await mkdtemp(join(tmpdir(), 'ingestbench-bench-merge-'));
  try {
    const files = await Promise.all(
      reports.map(async (r, i) => {
        const file = join(dir, `shard-${i + 1}.json`);
        await writeFile(file, JSON.stringify(r));
        return file;
      }),
    );
    const t0 = performance.now();
    const merged = mergeReports(reports);
    const mergeMs = performance.now() - t0;
    if (merged.totals.sent !== 4 * events || merged.latency.visible.all.count !== 4 * events) {
      throw new Error(
        `merged counts are wrong: ${merged.totals.sent} sent, ${merged.latency.visible.all.count} visible`,
      );
    }
    const t1 = performance.now();
    const code = await main(['merge', ...files, '--out', join(dir, 'merged')], {
      stdout: process.stdout,
      stderr: devNull(),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
      interactive: false,
    });
    const commandMs = performance.now() - t1;
    if (code !== 0) throw new Error(`ingestbench merge exited ${code}`);
    print(
      `merge of 4 reports × ${fmt(events)} events (9 histograms each, ${fmt(4 * events)} values per histogram merged): ` +
        `mergeReports ${mergeMs.toFixed(1)} ms; ingestbench merge (read, parse, merge, write 4 files) ${commandMs.toFixed(1)} ms`,
    );
    return { eventsPerSecond, mergeMs: { mergeReports: mergeMs, command: commandMs } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** n shard processes over one shared window; their steady-window events/s summed. */
async function shardedThroughput(url: string, count: number, seconds: number): Promise<ShardFigures> {
  const children = Array.from({ length: count }, (_, i) =>
    startShardProcess({ index: i + 1, count, url, seconds }),
  );
  // Every shard has loaded its modules and scenario before the window is set: on a loaded machine
  // that takes seconds, and a shard that started late would count as a slow one.
  await Promise.all(children.map((c) => c.ready));
  const startAtMs = Date.now() + 3000;
  const results = await Promise.all(children.map((c) => c.go(startAtMs)));
  return {
    eventsPerSecond: results.reduce((a, b) => a + b.eventsPerSecond, 0),
    failedRequests: results.reduce((a, b) => a + b.failedRequests, 0),
  };
}

interface ShardFigures {
  readonly eventsPerSecond: number;
  readonly failedRequests: number;
}

type ShardMessage = { type: 'ready' } | ({ type: 'done' } & ShardFigures);

function startShardProcess(job: ShardJob): {
  ready: Promise<void>;
  go: (startAtMs: number) => Promise<ShardFigures>;
} {
  const child = fork(fileURLToPath(import.meta.url), ['shard', JSON.stringify(job)], { stdio: 'inherit' });
  let onDone: (figures: ShardFigures) => void = () => undefined;
  let onFail: (error: Error) => void = () => undefined;
  const done = new Promise<ShardFigures>((resolve, reject) => {
    onDone = resolve;
    onFail = reject;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: ShardMessage) => {
      if (m.type === 'ready') resolve();
      else onDone(m);
    });
    child.once('exit', (code) => {
      const error = new Error(`shard ${job.index}/${job.count} exited with code ${code}`);
      reject(error);
      onFail(error);
    });
  });
  return {
    ready,
    go: (startAtMs) => {
      child.send({ startAtMs });
      return done;
    },
  };
}

/** The child side: one shard, full speed, into the black hole, from the start time it is given. */
async function serveShard(job: ShardJob): Promise<void> {
  const base = await loadScenario(QUICKSTART);
  const scenario: Scenario = {
    ...base,
    phases: [
      {
        name: 'steady',
        kind: 'steady',
        durationMs: job.seconds * 1000,
        fromRate: FULL_SPEED_PLAN,
        toRate: FULL_SPEED_PLAN,
        measured: true,
      },
    ],
    batchSize: 100,
    compression: 'none',
    maxInFlight: Math.max(1, Math.floor(CONNECTIONS / job.count)),
    maxRetries: 0,
  };
  const shard: RunShard = { index: job.index, count: job.count, runId: 'bench-shards' };
  const { startAtMs } = await new Promise<{ startAtMs: number }>((resolve) => {
    process.once('message', resolve);
    process.send?.({ type: 'ready' } satisfies ShardMessage);
  });
  const plan = planLoad(scenario, {
    workers: 1,
    runId: shardRunId('bench-shards', shard),
    startAtMs,
    fullSpeed: true,
    shard,
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  const result = await runLoad({
    scenario,
    plan,
    ledger,
    target: { captureUrl: job.url, token: SINK_TOKEN, endpoint: BLACK_HOLE },
  });
  const steady = result.timeline.slice(WARMUP_SECONDS, job.seconds);
  const events = steady.reduce((s, p) => s + p.acknowledged, 0);
  process.send?.({
    type: 'done',
    eventsPerSecond: events / Math.max(1, job.seconds - WARMUP_SECONDS),
    failedRequests: result.requests.failed,
  } satisfies ShardMessage);
  process.disconnect();
}

/** A shard report as a run of `events` events would write it, histograms full of plausible values. */
function syntheticShardReport(index: number, count: number, events: number): Report {
  const random = new Prng(index);
  const figures = (medianMs: number, resolutionMs?: number): LatencyFigures => {
    const h = latencyHistogram();
    for (let k = 0; k < events; k += 1)
      h.recordValue(toMicros(medianMs * Math.exp(random.nextFloat() * 2 - 1)));
    const encoded = encodeIntoCompressedBase64(h);
    return {
      ...latencySummary(h),
      unit: 'ms',
      ...(resolutionMs ? { resolutionMs } : {}),
      histogram: encoded,
    };
  };
  const totals = (n: number): ClassTotals => ({
    planned: n,
    sent: n,
    acknowledged: n,
    rejected: 0,
    dropped: 0,
    failed: 0,
    visible: n,
    lost: 0,
    unverified: 0,
    duplicates: 0,
    visibleUnacknowledged: 0,
    rate: { target: n / 600, achieved: n / 600 },
  });
  // One histogram per metric, shared by the three scopes (the merge decodes each of the nine).
  const byMetric = Object.fromEntries(
    LATENCY_METRICS.map((m) => {
      const f = figures(m === 'visible' ? 2000 : m === 'ack' ? 40 : 2, m === 'visible' ? 1000 : undefined);
      return [m, Object.fromEntries(LATENCY_SCOPES.map((s) => [s, f]))];
    }),
  ) as Report['latency'];
  const at = Date.UTC(2026, 10, 30, 12, 0, 0);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    run: {
      id: shardRunId('bench-shards', { index, count }),
      scenario: { name: 'bench', file: 'bench.yaml' },
      target: {
        kind: 'posthog',
        captureUrl: 'http://127.0.0.1:8010',
        queryUrl: 'http://127.0.0.1:8010',
        projectId: '1',
      },
      startedAt: new Date(at).toISOString(),
      endedAt: new Date(at + 660_000).toISOString(),
      seed: 1,
      workers: 2,
      partial: false,
      ingestbenchVersion: 'bench',
      node: process.version,
      plan: { planned: events, durationMs: 600_000, targetRate: events / 600, fullSpeed: false },
      stop: null,
      shard: { index, count, runId: 'bench-shards' },
    },
    totals: totals(events),
    classes: { anonymous: totals(events / 2), identified: totals(events / 2) },
    latency: byMetric,
    timeline: Array.from({ length: 660 }, (_, second) => {
      const cls = {
        sent: 833,
        acknowledged: 833,
        visible: 833,
        visibleP50: 2000,
        visibleP99: 5000,
        latencyCount: 833,
      };
      return {
        second,
        sent: 1667,
        acknowledged: 1667,
        visible: 1667,
        errors: 0,
        classes: { anonymous: cls, identified: cls },
      };
    }),
    errors: {},
    requests: { sent: events / 100, ok: events / 100, failed: 0, retries: 0 },
    observation: {
      method: 'exact',
      pollIntervalMs: 1000,
      requestedPollIntervalMs: 1000,
      pollStretch: null,
      endReason: 'drained',
      endDetail: null,
      complete: true,
      budget: { perMinute: 120, perHour: 2400, concurrent: 3, peakPerMinute: 60, peakPerHour: 700 },
      rowsRead: events,
      pages: 700,
      resolutionMs: 1000,
      polls: 660,
      queries: 700,
      throttled: 0,
      errors: 0,
      drained: true,
      drainTimeoutMs: 60_000,
      seenAsStragglers: 0,
      foreignUuids: 0,
      countsSource: 'query',
    },
    sla: [],
    verdict: 'pass',
    cost: null,
    lagTrend: {
      window: 'steady',
      fromSecond: 60,
      toSecond: 660,
      resolutionMs: 1000,
      classes: {
        anonymous: { p50MsPerMinute: 0, p50ChangeMs: 0, points: 600, direction: 'flat' },
        identified: { p50MsPerMinute: 0, p50ChangeMs: 0, points: 600, direction: 'flat' },
      },
    },
    clockSkew: {
      ack: { count: 0, worstMs: null },
      sendDelay: { count: 0, worstMs: null },
      visible: { count: 0, worstMs: null },
      created: { count: 0, worstMs: null },
    },
    preflight: { probeLatencyMs: 1500, probesSent: 1 },
    notes: [],
  };
}

function devNull(): NodeJS.WritableStream {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

if (process.argv[2] === 'shard' && process.send !== undefined)
  await serveShard(JSON.parse(process.argv[3]!) as ShardJob);
