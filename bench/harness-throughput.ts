// Load generator throughput (`npm run bench -- harness`): runLoad at full speed into the sink's
// black hole with 2 workers (and with 1), batches of 100, uncompressed, beside autocannon driving
// the same generator through its request hooks; both sides hold the same 16 connections, without
// pipelining, and count 2xx-acknowledged events over the same steady window. Rounds alternate the
// order, so drift on this shared machine spreads over both sides; the ratio is read within a
// round, never across rounds. Figures are printed, never asserted.
//
// On two cores the sink's one thread is the ceiling of both senders: a black hole that validates
// like capture costs about as much CPU per event as generating the event does. So beside the raw
// events/s the bench prints the CPU each side used over the window (this process's threads, and
// the sink child), events per sender-CPU-second, and the sink's own ceiling (events/s at one
// full core): a sender can never beat autocannon by more than ceiling ÷ autocannon's rate.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/clock.js';
import { batchBody } from '../src/generate/batch-body.js';
import { EventGenerator } from '../src/generate/event-generator.js';
import { runTag } from '../src/generate/event-uuid.js';
import { Ledger } from '../src/load/ledger.js';
import { planLoad } from '../src/load/plan-load.js';
import { runLoad } from '../src/load/run-load.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { fmt, median, range } from './bench-figures.js';
import { QUICKSTART, sendScenario, steady } from './black-hole-load.js';
import {
  BLACK_HOLE,
  cpuOver,
  cpuSince,
  sampleCpu,
  SINK_TOKEN,
  startSinkProcess,
  type CpuWindow,
  type SinkProcess,
} from './sink-process.js';

export interface HarnessThroughputOptions {
  readonly out?: NodeJS.WritableStream;
  /** Shorter runs, for a smoke test of the bench itself. */
  readonly quick?: boolean;
}

export interface HarnessThroughputFigures {
  readonly sink: string;
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
}

export async function runHarnessThroughputBench(
  options: HarnessThroughputOptions = {},
): Promise<HarnessThroughputFigures> {
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
    const figures: HarnessThroughputFigures = {
      sink: sink.kind,
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
        `harness ${fmt(figures.harnessEventsPerSecond)} events/s (2 workers), ` +
        `${fmt(figures.harnessOneWorkerEventsPerSecond)} events/s (1 worker); autocannon ` +
        `${fmt(figures.autocannonEventsPerSecond)} events/s (1 thread, same generator in setupRequest); ` +
        `ratio harness/autocannon ${range(rounds.map((r) => r.ratio))}, per sender-CPU-second ` +
        `${range(rounds.map((r) => r.cpuRatio))}; the sink's ceiling allows at most ` +
        `${range(rounds.map((r) => r.ceilingRatio))} (medians over ${rounds.length} round(s), range in brackets)`,
    );
    return figures;
  } finally {
    await sink.stop();
  }
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
    target: { captureUrl: sink.url, token: SINK_TOKEN, endpoint: BLACK_HOLE },
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
            return { ...req, body: batchBody(SINK_TOKEN, events) };
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

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runHarnessThroughputBench({ quick: process.argv.includes('--quick') });
}
