// Load generator bench (`npm run bench -- harness`): what the sending side does on this machine.
//   1. throughput at full speed into a black hole: runLoad with 2 workers, batches of 100,
//      uncompressed, beside autocannon driving the same generator through its request hooks
//   2. rate accuracy: 20,000 events/s for 30 s with 2 workers, achieved rate and p99 send delay
//   3. memory per tracked event of a 5-million-event ledger
// The sink runs in a child process (the reference target's /test/black_hole/, or a minimal
// node:http sink that parses the JSON when the reference target cannot start), so it never
// shares a thread with the senders it measures. Figures are printed, never asserted.

import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
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
    readonly harnessEventsPerSecond: number;
    readonly harnessOneWorkerEventsPerSecond: number;
    readonly autocannonEventsPerSecond: number;
    readonly ratio: number;
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
    const harness = await harnessThroughput(base, sink.url, 2, seconds);
    const oneWorker = await harnessThroughput(base, sink.url, 1, seconds);
    const cannon = await autocannonThroughput(base, sink.url, seconds);
    const ratio = harness / cannon;
    print(
      `throughput, full speed, batches of 100, uncompressed: harness ${fmt(harness)} events/s (2 workers), ` +
        `${fmt(oneWorker)} events/s (1 worker); autocannon ${fmt(cannon)} events/s (1 thread, same generator ` +
        `in setupRequest); ratio harness/autocannon ${ratio.toFixed(2)}`,
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
      throughput: {
        harnessEventsPerSecond: harness,
        harnessOneWorkerEventsPerSecond: oneWorker,
        autocannonEventsPerSecond: cannon,
        ratio,
      },
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
    startAtMs: Date.now() + 2500,
    fullSpeed,
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  return runLoad({ scenario, plan, ledger, target: { captureUrl, token: TOKEN, endpoint: BLACK_HOLE } });
}

/** Steady-state seconds: the first ones warm up the JIT and the connections, on both sides. */
const WARMUP_SECONDS = 2;

/** Acknowledged events/s at full speed, from the per-second timeline after the warm-up. */
async function harnessThroughput(
  base: Scenario,
  captureUrl: string,
  workers: number,
  seconds: number,
): Promise<number> {
  // The planned count is only a ceiling here: full speed stops at the end of the duration.
  const result = await send(sendScenario(base, [steady(400_000, seconds)], 8), captureUrl, workers, true);
  const steadySeconds = result.timeline.slice(WARMUP_SECONDS, seconds);
  return steadySeconds.reduce((s, p) => s + p.acknowledged, 0) / steadySeconds.length;
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

/** autocannon (CommonJS, untyped) at full speed, each body built by the harness's own generator. */
async function autocannonThroughput(base: Scenario, captureUrl: string, seconds: number): Promise<number> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const scenario = sendScenario(base, [steady(1, 1)], 8);
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
      url: `${captureUrl}${BLACK_HOLE}`,
      connections: 16,
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
  const result = await cannon(measured);
  return (result['2xx'] * 100) / measured;
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

interface SinkProcess {
  readonly kind: string;
  readonly url: string;
  stop(): Promise<void>;
}

type SinkMessage = { type: 'ready'; kind: string; url: string } | { type: 'stopped' };

async function startSinkProcess(): Promise<SinkProcess> {
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
  return {
    kind: ready.kind,
    url: ready.url,
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
    if (message.type !== 'stop') return;
    void stop().then(() => {
      send({ type: 'stopped' });
      process.disconnect();
    });
  });
  send({ type: 'ready', kind, url });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

if (process.argv[2] === 'sink' && process.send !== undefined) await serveSink();
