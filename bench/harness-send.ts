// Load generator bench (`npm run bench -- harness`): what the sending side does on this machine.
//   1. throughput at full speed into a black hole: runLoad with 2 workers (and with 1), batches of
//      100, uncompressed, beside autocannon driving the same generator through its request hooks;
//      both sides hold the same 16 connections, without pipelining, and count 2xx-acknowledged
//      events over the same steady window. Rounds alternate the order, so drift on this shared
//      machine spreads over both sides; the ratio is read within a round, never across rounds.
//   2. rate accuracy: 20,000 events/s for 30 s with 2 workers, achieved rate and p99 send delay
//   3. memory per tracked event of a 5-million-event ledger
// The sink runs in a child process (the reference target's /test/black_hole/, or a minimal
// node:http sink that parses the JSON when the reference target cannot start), so it never
// shares a thread with the senders it measures. Figures are printed, never asserted.
//
// On two cores the sink's one thread is the ceiling of both senders: a black hole that validates
// like capture costs about as much CPU per event as generating the event does. So beside the raw
// events/s the bench prints the CPU each side used over the window (this process's threads, and
// the sink child), events per sender-CPU-second, and the sink's own ceiling (events/s at one
// full core): a sender can never beat autocannon by more than ceiling ÷ autocannon's rate.

import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { systemClock } from '../src/clock.js';
import { batchBody } from '../src/generate/batch-body.js';
import { EventGenerator } from '../src/generate/event-generator.js';
import { runTag } from '../src/generate/event-uuid.js';
import { Ledger } from '../src/load/ledger.js';
import { planLoad } from '../src/load/plan-load.js';
import { runLoad, type LoadResult } from '../src/load/run-load.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { RatePhase, Scenario } from '../src/scenario/scenario.js';

const TOKEN = 'phc_ingestbench';
const BLACK_HOLE = '/test/black_hole/';
const QUICKSTART = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));

export interface HarnessSendOptions {
  readonly out?: NodeJS.WritableStream;
  /** Shorter runs, for a smoke test of the bench itself. */
  readonly quick?: boolean;
}

export interface HarnessSendFigures {
  readonly sink: string;
  readonly throughput: {
    readonly rounds: readonly ThroughputRound[];
    /** Medians over the rounds. */
    readonly harnessEventsPerSecond: number;
    readonly harnessOneWorkerEventsPerSecond: number;
    readonly autocannonEventsPerSecond: number;
    /** harness (2 workers) ÷ autocannon, median of the rounds' ratios. */
    readonly ratio: number;
    /** The same with each side's events per sender-CPU-second. */
    readonly cpuRatio: number;
    /** Most that any sender could reach over autocannon: the sink's ceiling ÷ autocannon's rate. */
    readonly ceilingRatio: number;
  };
  readonly rate: {
    readonly target: number;
    readonly seconds: number;
    readonly achieved: number;
    readonly errorPercent: number;
    readonly p50SendDelayMs: number;
    readonly p99SendDelayMs: number;
    readonly maxSendDelayMs: number;
    readonly dropped: number;
  };
  readonly ledger: {
    readonly events: number;
    readonly bytesPerEvent: number;
    readonly rssBytesPerEvent: number;
  };
}

export async function runHarnessSendBench(options: HarnessSendOptions = {}): Promise<HarnessSendFigures> {
  const out = options.out ?? process.stdout;
  const print = (line: string): void => void out.write(`${line}\n`);
  const quick = options.quick === true;
  const base = await loadScenario(QUICKSTART);
  const sink = await startSinkProcess();
  print(`sink: ${sink.kind} in a child process; senders: worker threads of this process (2 cores)`);
  try {
    const seconds = quick ? 4 : 10;
    const rounds: ThroughputRound[] = [];
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      rounds.push(await throughputRound(base, sink, seconds, round));
      print(`  round ${round + 1}: ${describeRound(rounds[round]!)}`);
    }
    const throughput = {
      rounds,
      harnessEventsPerSecond: median(rounds.map((r) => r.harness.eventsPerSecond)),
      harnessOneWorkerEventsPerSecond: median(rounds.map((r) => r.harnessOneWorker.eventsPerSecond)),
      autocannonEventsPerSecond: median(rounds.map((r) => r.autocannon.eventsPerSecond)),
      ratio: median(rounds.map((r) => r.ratio)),
      cpuRatio: median(rounds.map((r) => r.cpuRatio)),
      ceilingRatio: median(rounds.map((r) => r.ceilingRatio)),
    };
    print(
      `throughput, full speed, batches of 100, uncompressed, ${CONNECTIONS} connections each side: ` +
        `harness ${fmt(throughput.harnessEventsPerSecond)} events/s (2 workers), ` +
        `${fmt(throughput.harnessOneWorkerEventsPerSecond)} events/s (1 worker); autocannon ` +
        `${fmt(throughput.autocannonEventsPerSecond)} events/s (1 thread, same generator in setupRequest); ` +
        `ratio harness/autocannon ${range(rounds.map((r) => r.ratio))}, per sender-CPU-second ` +
        `${range(rounds.map((r) => r.cpuRatio))}; the sink's ceiling allows at most ` +
        `${range(rounds.map((r) => r.ceilingRatio))} (medians over ${rounds.length} round(s), range in brackets)`,
    );

    const rate = await rateAccuracy(base, sink.url, 20_000, quick ? 5 : 30);
    print(
      `rate accuracy: target ${fmt(rate.target)} events/s for ${rate.seconds} s, achieved ${fmt(rate.achieved)} ` +
        `(error ${rate.errorPercent.toFixed(3)} %), send delay p50 ${rate.p50SendDelayMs.toFixed(3)} ms, ` +
        `p99 ${rate.p99SendDelayMs.toFixed(3)} ms, max ${rate.maxSendDelayMs.toFixed(1)} ms, dropped ${rate.dropped}`,
    );

    const ledger = ledgerMemory(5_000_000);
    print(
      `ledger: ${ledger.bytesPerEvent.toFixed(1)} bytes per tracked event (heap + array buffers, ` +
        `${fmt(ledger.events)} events); resident ${ledger.rssBytesPerEvent.toFixed(1)} bytes per event`,
    );
    return {
      sink: sink.kind,
      throughput,
      rate,
      ledger,
    };
  } finally {
    await sink.stop();
  }
}

const steady = (rate: number, seconds: number): RatePhase => ({
  name: 'steady',
  kind: 'steady',
  durationMs: seconds * 1000,
  fromRate: rate,
  toRate: rate,
  measured: true,
});

function sendScenario(base: Scenario, phases: RatePhase[], maxInFlight: number): Scenario {
  return { ...base, phases, batchSize: 100, compression: 'none', maxInFlight, maxRetries: 0 };
}

async function send(
  scenario: Scenario,
  captureUrl: string,
  workers: number,
  fullSpeed: boolean,
): Promise<LoadResult> {
  const plan = planLoad(scenario, {
    workers,
    runId: `bench-${Date.now().toString(36)}`,
    // Room for the workers to start (module loading, faker pools) even on a loaded machine:
    // a late start would show up as a catch-up burst, not as the steady state measured here.
    startAtMs: systemClock.now() + 2500,
    fullSpeed,
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  return runLoad({ scenario, plan, ledger, target: { captureUrl, token: TOKEN, endpoint: BLACK_HOLE } });
}

/** Steady-state seconds: the first ones warm up the JIT and the connections, on both sides. */
const WARMUP_SECONDS = 2;

/** Connections on each side of the throughput comparison; the harness splits them over its workers. */
const CONNECTIONS = 16;

/**
 * Planned events/s of a full-speed run: only a ceiling (full speed stops at the end of the
 * duration), set above what the sink takes on this machine, about 0.9 million events/s. A run that
 * sends every planned event says so, since its rate would then be the plan's and not the sender's.
 */
const FULL_SPEED_PLAN = 1_200_000;

/** One sender over the steady window. CPU figures are cores (CPU-seconds per second). */
export interface SenderFigures {
  readonly eventsPerSecond: number;
  /** This process (all its threads) over the window. */
  readonly senderCpu: number;
  readonly sinkCpu: number;
  readonly eventsPerSenderCpuSecond: number;
  /** Sink CPU per acknowledged event, µs. */
  readonly sinkMicrosPerEvent: number;
  /** Requests answered with a non-2xx status or failed: their events are not counted. */
  readonly failedRequests: number;
}

export interface ThroughputRound {
  readonly harness: SenderFigures;
  readonly harnessOneWorker: SenderFigures;
  readonly autocannon: SenderFigures;
  readonly ratio: number;
  readonly cpuRatio: number;
  /** Events/s of the sink at one full core, from its CPU per event in this round. */
  readonly sinkCeiling: number;
  readonly ceilingRatio: number;
}

async function throughputRound(
  base: Scenario,
  sink: SinkProcess,
  seconds: number,
  round: number,
): Promise<ThroughputRound> {
  const runs = {
    harness: () => harnessThroughput(base, sink, 2, seconds),
    harnessOneWorker: () => harnessThroughput(base, sink, 1, seconds),
    autocannon: () => autocannonThroughput(base, sink, seconds),
  };
  // Rotate the order so that no side always runs first (or last) in a round.
  const order = (['harness', 'autocannon', 'harnessOneWorker'] as const).map(
    (_, i, names) => names[(i + round) % names.length]!,
  );
  const figures: Partial<Record<keyof typeof runs, SenderFigures>> = {};
  for (const name of order) figures[name] = await runs[name]();
  const { harness, harnessOneWorker, autocannon } = figures as Record<keyof typeof runs, SenderFigures>;
  const sinkMicros = median([harness, harnessOneWorker, autocannon].map((f) => f.sinkMicrosPerEvent));
  const sinkCeiling = 1e6 / sinkMicros;
  return {
    harness,
    harnessOneWorker,
    autocannon,
    ratio: harness.eventsPerSecond / autocannon.eventsPerSecond,
    cpuRatio: harness.eventsPerSenderCpuSecond / autocannon.eventsPerSenderCpuSecond,
    sinkCeiling,
    ceilingRatio: sinkCeiling / autocannon.eventsPerSecond,
  };
}

/** Acknowledged events/s at full speed, from the per-second timeline after the warm-up. */
async function harnessThroughput(
  base: Scenario,
  sink: SinkProcess,
  workers: number,
  seconds: number,
): Promise<SenderFigures> {
  const scenario = sendScenario(base, [steady(FULL_SPEED_PLAN, seconds)], CONNECTIONS / workers);
  const plan = planLoad(scenario, {
    workers,
    runId: `bench-${Date.now().toString(36)}`,
    startAtMs: systemClock.now() + 2500,
    fullSpeed: true,
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  const window = cpuOver(sink, plan.startAtMs + WARMUP_SECONDS * 1000, plan.startAtMs + seconds * 1000);
  const result = await runLoad({
    scenario,
    plan,
    ledger,
    target: { captureUrl: sink.url, token: TOKEN, endpoint: BLACK_HOLE },
  });
  const cpu = await window;
  const sent = result.counts.anonymous.sent + result.counts.identified.sent;
  if (sent >= plan.planned) {
    throw new Error(`the full-speed plan (${FULL_SPEED_PLAN} events/s) ran out: raise FULL_SPEED_PLAN`);
  }
  const steadySeconds = result.timeline.slice(WARMUP_SECONDS, seconds);
  const events = steadySeconds.reduce((s, p) => s + p.acknowledged, 0);
  return senderFigures(events / steadySeconds.length, cpu, result.requests.failed);
}

interface CpuWindow {
  readonly seconds: number;
  readonly sender: number;
  readonly sink: number;
}

/** CPU-seconds this process and the sink used between two unix times. */
async function cpuOver(sink: SinkProcess, fromMs: number, toMs: number): Promise<CpuWindow> {
  await sleep(Math.max(0, fromMs - systemClock.now()));
  const from = await sampleCpu(sink);
  await sleep(Math.max(0, toMs - systemClock.now()));
  return cpuSince(from, await sampleCpu(sink));
}

interface CpuSample {
  readonly atMs: number;
  readonly sender: number;
  readonly sink: number;
}

async function sampleCpu(sink: SinkProcess): Promise<CpuSample> {
  const { user, system } = process.cpuUsage();
  return { atMs: systemClock.now(), sender: (user + system) / 1e6, sink: await sink.cpuSeconds() };
}

function cpuSince(from: CpuSample, to: CpuSample): CpuWindow {
  return {
    seconds: (to.atMs - from.atMs) / 1000,
    sender: to.sender - from.sender,
    sink: to.sink - from.sink,
  };
}

function senderFigures(eventsPerSecond: number, cpu: CpuWindow, failedRequests: number): SenderFigures {
  const senderCpu = cpu.sender / cpu.seconds;
  const sinkCpu = cpu.sink / cpu.seconds;
  return {
    eventsPerSecond,
    senderCpu,
    sinkCpu,
    eventsPerSenderCpuSecond: eventsPerSecond / senderCpu,
    sinkMicrosPerEvent: (sinkCpu / eventsPerSecond) * 1e6,
    failedRequests,
  };
}

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  duration: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  requests: {
    method: string;
    headers: Record<string, string>;
    setupRequest: (req: AutocannonRequest) => AutocannonRequest;
  }[];
}) => Promise<AutocannonResult>;

/**
 * autocannon (CommonJS, untyped) at full speed. Every request gets a fresh body built as the
 * harness's send loop builds one: 100 new events from the same generator, joined by the same
 * batchBody. Only 2xx answers count, as acknowledged events do on the harness side.
 */
async function autocannonThroughput(
  base: Scenario,
  sink: SinkProcess,
  seconds: number,
): Promise<SenderFigures> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const scenario = sendScenario(base, [steady(1, 1)], CONNECTIONS);
  const runId = 'bench-autocannon';
  const generator = new EventGenerator(scenario, {
    runId,
    runTag: runTag(runId),
    worker: 0,
    workers: 1,
    seed: 1,
  });
  const events: string[] = [];
  let seq = 0;
  const cannon = (duration: number): Promise<AutocannonResult> =>
    autocannon({
      url: `${sink.url}${BLACK_HOLE}`,
      connections: CONNECTIONS,
      duration,
      pipelining: 1,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            const now = Date.now();
            events.length = 0;
            for (let i = 0; i < 100; i++) events.push(generator.next(seq++, now));
            return { ...req, body: batchBody(TOKEN, events) };
          },
        },
      ],
    });
  await cannon(WARMUP_SECONDS);
  const measured = seconds - WARMUP_SECONDS;
  const from = await sampleCpu(sink);
  const result = await cannon(measured);
  const cpu = cpuSince(from, await sampleCpu(sink));
  return senderFigures((result['2xx'] * 100) / measured, cpu, result.non2xx + result.errors);
}

function describeRound(r: ThroughputRound): string {
  const side = (name: string, f: SenderFigures): string =>
    `${name} ${fmt(f.eventsPerSecond)} events/s (sender ${f.senderCpu.toFixed(2)} cores, ` +
    `${fmt(f.eventsPerSenderCpuSecond)} events/CPU-s; sink ${f.sinkCpu.toFixed(2)} cores` +
    `${f.failedRequests > 0 ? `; ${fmt(f.failedRequests)} requests not 2xx` : ''})`;
  return (
    `${side('harness 2 workers', r.harness)}, ${side('1 worker', r.harnessOneWorker)}, ` +
    `${side('autocannon', r.autocannon)}; ratio ${r.ratio.toFixed(2)}, per CPU ${r.cpuRatio.toFixed(2)}, ` +
    `sink ceiling ${fmt(r.sinkCeiling)} events/s at one core (at most ${r.ceilingRatio.toFixed(2)}× autocannon)`
  );
}

async function rateAccuracy(
  base: Scenario,
  captureUrl: string,
  rate: number,
  seconds: number,
): Promise<HarnessSendFigures['rate']> {
  const result = await send(sendScenario(base, [steady(rate, seconds)], 64), captureUrl, 2, false);
  // Events whose actual send fell inside the run's window: a late scheduler spills past it.
  const sentInWindow = result.timeline.slice(0, seconds).reduce((s, p) => s + p.sent, 0);
  const achieved = sentInWindow / seconds;
  const delay = decodeFromCompressedBase64(result.histograms.sendDelay.all);
  return {
    target: rate,
    seconds,
    achieved,
    errorPercent: ((achieved - rate) / rate) * 100,
    p50SendDelayMs: delay.getValueAtPercentile(50) / 1000,
    p99SendDelayMs: delay.getValueAtPercentile(99) / 1000,
    maxSendDelayMs: delay.maxValue / 1000,
    dropped: result.counts.anonymous.dropped + result.counts.identified.dropped,
  };
}

/** Memory of a ledger tracking `events` events (two workers' shards), per event. */
function ledgerMemory(events: number): HarnessSendFigures['ledger'] {
  const used = (): { total: number; rss: number } => {
    const m = process.memoryUsage();
    return { total: m.heapUsed + m.arrayBuffers, rss: m.rss };
  };
  const before = used();
  const ledger = Ledger.allocate([events / 2, events / 2]);
  const after = used();
  const tracked = ledger.capacity;
  return {
    events: tracked,
    bytesPerEvent: (after.total - before.total) / tracked,
    rssBytesPerEvent: (after.rss - before.rss) / tracked,
  };
}

export interface SinkProcess {
  readonly kind: string;
  readonly url: string;
  /** CPU-seconds the sink process has used (user + system, all its threads). */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

type SinkMessage =
  { type: 'ready'; kind: string; url: string } | { type: 'cpu'; seconds: number } | { type: 'stopped' };

export async function startSinkProcess(): Promise<SinkProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['sink'], { stdio: 'inherit' });
  const ready = await new Promise<Extract<SinkMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`bench sink exited with code ${code} before it was ready`)),
    );
    child.on('message', (message: SinkMessage) => {
      if (message.type === 'ready') resolve(message);
    });
  });
  const cpuWaiters: ((seconds: number) => void)[] = [];
  child.on('message', (message: SinkMessage) => {
    if (message.type === 'cpu') cpuWaiters.shift()?.(message.seconds);
  });
  return {
    kind: ready.kind,
    url: ready.url,
    cpuSeconds: () =>
      new Promise<number>((resolve) => {
        cpuWaiters.push(resolve);
        child.send({ type: 'cpu' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

/** The child side: the reference target's black hole, or a minimal JSON-parsing sink. */
async function serveSink(): Promise<void> {
  const send = (message: SinkMessage): void => void process.send?.(message);
  let stop: () => Promise<void>;
  let kind: string;
  let url: string;
  try {
    const { startReferenceTarget } = await import('../src/reference/start-reference-target.js');
    const target = await startReferenceTarget({ memory: true, port: 0, tokens: [TOKEN] });
    kind = 'reference target /test/black_hole/ (validates like /batch/, then discards)';
    url = target.captureUrl;
    stop = () => target.stop();
  } catch (error) {
    process.stderr.write(`reference target unavailable (${String(error)}): using a minimal node:http sink\n`);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { batch?: unknown[] };
        res.writeHead(Array.isArray(body.batch) ? 200 : 400, { 'content-type': 'application/json' });
        res.end('{"status":"Ok"}');
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kind = 'minimal node:http sink (parses the JSON, answers 200)';
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', seconds: (user + system) / 1e6 });
    }
    if (message.type !== 'stop') return;
    void stop().then(() => {
      send({ type: 'stopped' });
      process.disconnect();
    });
  });
  send({ type: 'ready', kind, url });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "1.02 [0.97–1.05]": the median and the range of the rounds. */
function range(values: readonly number[]): string {
  const median_ = median(values).toFixed(2);
  return values.length === 1
    ? median_
    : `${median_} [${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}]`;
}

if (process.argv[2] === 'sink' && process.send !== undefined) await serveSink();
