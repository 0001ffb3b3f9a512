// Counts versus exact observation at scale (`npm run bench -- scale`, or
// `node dist/bench/scale.js [seconds] [rate]` for the live part alone at another length or rate).
//   1. 20 million events through each method's accounting path, in one process without HTTP: the
//      load side's writes on ack (ledger slots, or per-bucket counters) and the observer's side
//      (first-seen times and the account, or per-bucket answers and the account). Printed: bytes
//      per event of the exact ledger, bytes per hour of the counts structure (at several rates, to
//      show it does not depend on the rate), and the time per event of each path.
//   2. A live run (skipped with 0 seconds) in counts mode against the embedded reference target with PostHog's cloud query limits
//      (as `serve --query-limits cloud`; default 10 minutes at
//      20,000 events/s, poll every 2 s so an hour of polls stays within PostHog's 2,400 queries):
//      rows fetched per event, queries per minute and per hour against PostHog's 240 and 2,400,
//      lost, and visible latency with its resolution.
// Figures are printed, never asserted.

import { pathToFileURL } from 'node:url';
import { BucketCounts, BucketCountsWriter, BucketField } from '../src/load/bucket-counts.js';
import { Ledger, EventStatus, LedgerFlag } from '../src/load/ledger.js';
import { accountLedger } from '../src/observe/account-ledger.js';
import { visibleLatency } from '../src/measure/visible-latency.js';
import { accountBuckets } from '../src/observe/account-buckets.js';
import { CountsTracker } from '../src/observe/counts-tracker.js';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';

const EVENTS = 20_000_000;
const RATE = 20_000;
const BATCH = 100;
const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const heapNow = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Exact: a ledger slot per event, written as the workers and the poller write it, then accounted. */
function exactPath(events: number): { bytes: number; grownBytes: number; nsPerEvent: number } {
  const before = heapNow();
  const started = process.hrtime.bigint();
  const perWorker = events / 2;
  const ledger = Ledger.allocate([perWorker, perWorker]);
  ledger.shards.forEach((shard, worker) => {
    for (let seq = 0; seq < perWorker; seq++) {
      const intended = T0 + ((seq * 2 + worker) * 1000) / RATE;
      shard.setIntended(seq, intended);
      shard.flags[seq] = (seq % 3 === 0 ? LedgerFlag.identified : 0) | LedgerFlag.measured;
      shard.status[seq] = EventStatus.acknowledged;
      shard.setAck(seq, intended + 5);
      shard.setVisible(seq, intended + 1500);
      shard.seen[seq] = 1;
    }
  });
  const grownBytes = heapNow() - before;
  const rows = { rows: 0, uuids: 0 };
  const account = accountLedger(ledger, { anonymous: rows, identified: rows });
  visibleLatency(ledger);
  const ns = Number(process.hrtime.bigint() - started);
  if (account.total.acknowledged !== events) throw new Error('exact path lost events');
  const bytes = ledger.byteLength;
  return { bytes, grownBytes, nsPerEvent: ns / events };
}

/** Counts: per-bucket counters written per batch on ack, answered per bucket, then accounted. */
function countsPath(events: number): { bytes: number; nsPerEvent: number } {
  const started = process.hrtime.bigint();
  const spanMs = (events / RATE) * 1000;
  const counts = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0 + spanMs, workers: 2 });
  const writers = [new BucketCountsWriter(counts, 0), new BucketCountsWriter(counts, 1)];
  for (let g = 0; g < events; g++) {
    const writer = writers[g % 2]!;
    const intended = T0 + (g * 1000) / RATE;
    const cls = g % 3 === 0 ? 1 : 0;
    for (const field of [
      BucketField.planned,
      BucketField.plannedMeasured,
      BucketField.sent,
      BucketField.sentMeasured,
      BucketField.acknowledged,
      BucketField.acknowledgedMeasured,
    ])
      writer.count(cls, intended, field);
    // Each worker flushes once per batch of its own events.
    if (g % (2 * BATCH) >= 2 * BATCH - 2 || g >= events - 2) writer.flush();
  }
  const tracker = new CountsTracker({
    counts,
    stragglerLagMs: 10_000,
    stragglerBucketsPerPoll: 10,
    originMs: T0,
  });
  const all = Array.from({ length: counts.buckets }, (_, i) => i);
  const answer = all.flatMap((i) =>
    (['anonymous', 'identified'] as const).map((cls) => {
      const n = counts.get(cls, i, BucketField.acknowledged);
      return [cls, new Date(counts.startOf(i)).toISOString(), n, n];
    }),
  );
  tracker.record(all, answer, T0 + spanMs, T0 + spanMs + 1500);
  const account = accountBuckets(tracker, new Map());
  const ns = Number(process.hrtime.bigint() - started);
  if (account.anonymous.visible + account.identified.visible !== events)
    throw new Error('counts path lost events');
  return { bytes: counts.byteLength, nsPerEvent: ns / events };
}

function countsBytesPerHour(): { counters: number; fixed: number } {
  const hour = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0 + HOUR_MS - 1, workers: 2 });
  const none = BucketCounts.allocate({ bucketMs: 1000, fromMs: T0, toMs: T0, workers: 2 });
  // The unacknowledged-range lists are a fixed size per worker, whatever the length or rate.
  return { counters: hour.byteLength - none.byteLength, fixed: none.byteLength };
}

async function liveRun(seconds: number, rate: number): Promise<void> {
  print(
    `\n### live: counts observation, ${rate} events/s for ${seconds} s against the embedded reference target (cloud query limits)`,
  );
  const target = await startEmbeddedTarget({ queryLimits: 'cloud' });
  try {
    const scenario = parseScenario(
      `name: scale
seed: 3
phases:
  - kind: steady
    rate: ${rate}
    duration: ${seconds}s
batch_size: 100
population:
  size: 20000
behaviours:
  - kind: pageview
    weight: 3
  - kind: custom
    weight: 1
    events: [report viewed]
observation:
  poll_interval: 2s
  query_budget: 240
  drain_timeout: 120s
  method: counts
`,
      'scale.yaml',
    );
    const started = Date.now();
    const report = await runScenario({ scenario, target, workers: 2 });
    const minutes = (Date.now() - started) / 60_000;
    const o = report.observation;
    const t = report.totals;
    const rows = o.counts?.rowsFetched ?? 0;
    print(
      `planned ${t.planned}, acknowledged ${t.acknowledged}, visible ${t.visible}, lost ${t.lost}, duplicates ${t.duplicates}, dropped ${t.dropped}`,
    );
    print(`rate achieved ${t.rate.achieved.toFixed(0)} of ${t.rate.target.toFixed(0)} events/s`);
    print(
      `rows fetched ${rows} = ${(t.acknowledged > 0 ? rows / t.acknowledged : 0).toFixed(6)} per acknowledged event (target ≤ 0.001)`,
    );
    print(
      `queries ${o.queries} over ${minutes.toFixed(1)} min: ${(o.queries / minutes).toFixed(1)}/min (PostHog: 240/min), ` +
        `${((o.queries / minutes) * 60).toFixed(0)}/h at this pace (PostHog: 2,400/h); polls ${o.polls}, throttled ${o.throttled}`,
    );
    print(
      `busiest sliding minute ${o.budget.peakPerMinute} queries (PostHog: 240), busiest hour ${o.budget.peakPerHour} (PostHog: 2,400)`,
    );
    const v = report.latency.visible.all;
    print(
      `visible p50 ${Math.round(v.p50 ?? NaN)} ms, p99 ${Math.round(v.p99 ?? NaN)} ms, resolution ${Math.round(o.resolutionMs)} ms (poll 2 s + bucket 1 s); drained ${o.drained}`,
    );
    print(`method: ${o.method} (${o.methodReason ?? ''})`);
  } finally {
    await target.stop();
  }
}

export async function runScaleBench(seconds = 600, rate = RATE): Promise<void> {
  print(`### accounting path, ${EVENTS.toLocaleString('en-US')} events per method`);
  const counts = countsPath(EVENTS);
  print(
    `counts: ${mb(counts.bytes)} for ${EVENTS / RATE} s of 1 s buckets, ${counts.nsPerEvent.toFixed(1)} ns per event`,
  );
  const perHour = countsBytesPerHour();
  print(
    `counts: ${mb(perHour.counters)} per hour of run (1 s buckets, any rate) + ${mb(perHour.fixed)} fixed (unacknowledged-range lists, 2 workers)`,
  );
  for (const r of [1_000, 20_000, 100_000])
    print(`  at ${r} events/s: ${((perHour.counters / (r * 3600)) * 1e3).toFixed(4)} bytes per 1,000 events`);
  const exact = exactPath(EVENTS);
  print(
    `exact: ${mb(exact.bytes)} ledger = ${(exact.bytes / EVENTS).toFixed(1)} bytes per event (heap + buffers grew ${(exact.grownBytes / EVENTS).toFixed(1)} bytes per event), ${exact.nsPerEvent.toFixed(1)} ns per event`,
  );
  print(
    `exact per hour at ${RATE} events/s: ${mb((exact.bytes / EVENTS) * RATE * 3600)}; counts: ${mb(perHour.counters + perHour.fixed)} (ratio ${(((exact.bytes / EVENTS) * RATE * 3600) / (perHour.counters + perHour.fixed)).toFixed(0)}×)`,
  );
  if (seconds > 0) await liveRun(seconds, rate);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // 0 seconds: the accounting part alone.
  await runScaleBench(Number(process.argv[2] ?? 600), Number(process.argv[3] ?? RATE));
}
