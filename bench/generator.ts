// Generator bench (`npm run bench -- generator`): can one sender core keep up with real events?
// For quickstart and web-app (posthog-js profile), in one run, per sender CPU-second:
//   generate  — events rendered and written into the scenario's batch bodies (BatchBodyWriter);
//   zlib      — the same bodies through the sender's encoder alone (encodeBatchBody);
//               (and, untimed, their ratio at zlib's default level 6, what the SDKs send);
//   limit     — both in series on one core, 1 / (1/generate + 1/zlib): the most a sender could do;
//   send      — the whole path (generate + JSON + encode + HTTP) at full speed, one worker,
//               into the reference target's /test/black_hole/ in a child process (it reads and
//               validates each body), events acknowledged per CPU-second of this process. Its
//               events are planned at the scenario's own top rate, as generate's are, so that
//               sessions give both the same events (size, share of visits' first events).
// Figures are CPU time, not wall time: the machine is shared, so a busy neighbour stretches wall
// time but not the CPU a piece of work needs. Ratios within a run are what to read.

import { gzipSync } from 'node:zlib';
import { BatchBodyWriter, encodeBatchBody } from '../src/generate/batch-body.js';
import { EventGenerator } from '../src/generate/event-generator.js';
import { runTag } from '../src/generate/event-uuid.js';
import { Ledger } from '../src/load/ledger.js';
import { planLoad } from '../src/load/plan-load.js';
import { runLoad, type LoadProgress } from '../src/load/run-load.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Scenario } from '../src/scenario/scenario.js';
import { fmt } from './bench-figures.js';
import { BLACK_HOLE, SINK_TOKEN as TOKEN, startSinkProcess, type SinkProcess } from './sink-process.js';

const SCENARIOS = ['quickstart', 'web-app'] as const;
/** Events per measurement of generate and zlib alone. */
const EVENTS = 200_000;
/** Events generated, then encoded, per step of that measurement. */
const CHUNK_EVENTS = 10_000;
/** Seconds of the full-speed send; the first SEND_WARMUP_S are left out (JIT, connections, pools). */
const SEND_SECONDS = 12;
const SEND_WARMUP_S = 4;
/**
 * Events planned for the send, more than one worker sends in SEND_SECONDS (about 1.5 million
 * for quickstart at full speed here), at the scenario's own top rate: see sendFullSpeed.
 */
const SEND_PLANNED = 4_000_000;

export interface GeneratorFigures {
  readonly scenario: string;
  readonly bytesPerEvent: number;
  readonly gzipRatio: number;
  /** The same bodies at zlib's default level 6 (posthog-js's fflate, posthog-node), untimed. */
  readonly sdkGzipRatio: number;
  readonly generatePerCpuSecond: number;
  readonly zlibPerCpuSecond: number;
  readonly limitPerCpuSecond: number;
  readonly sendPerCpuSecond: number;
  /** send ÷ limit. */
  readonly sendShareOfLimit: number;
}

export async function runGeneratorBench(
  out: NodeJS.WritableStream = process.stdout,
): Promise<GeneratorFigures[]> {
  const print = (line: string): void => void out.write(`${line}\n`);
  const sink = await startSinkProcess();
  print(`sink: ${sink.kind}`);
  print('events per sender CPU-second (user + system, all threads of this process)');
  const figures: GeneratorFigures[] = [];
  try {
    for (const name of SCENARIOS) {
      const scenario = await loadScenario(new URL(`../../scenarios/${name}.yaml`, import.meta.url).pathname);
      const alone = generateAndEncode(scenario);
      const { perCpuSecond: send, window } = await sendFullSpeed(scenario, sink);
      const limit = 1 / (1 / alone.generatePerCpuSecond + 1 / alone.zlibPerCpuSecond);
      const f: GeneratorFigures = {
        scenario: name,
        ...alone,
        limitPerCpuSecond: limit,
        sendPerCpuSecond: send,
        sendShareOfLimit: send / limit,
      };
      figures.push(f);
      print(
        `${name.padEnd(10)} ${fmt(f.bytesPerEvent)} B/event, batches of ${scenario.batchSize} gzip ${f.gzipRatio.toFixed(2)}x ` +
          `(level 6 as the SDKs ${f.sdkGzipRatio.toFixed(2)}x: ${(f.sdkGzipRatio / f.gzipRatio).toFixed(2)}x the bytes on the wire) | ` +
          `generate ${fmt(f.generatePerCpuSecond)}/s, zlib ${fmt(f.zlibPerCpuSecond)}/s, limit ${fmt(limit)}/s | ` +
          `send ${fmt(send)}/s (${window}) = ${f.sendShareOfLimit.toFixed(2)} of the limit`,
      );
    }
  } finally {
    await sink.stop();
  }
  const [quick, web] = figures;
  if (quick && web) {
    print(
      `web-app ÷ quickstart: send ${(web.sendPerCpuSecond / quick.sendPerCpuSecond).toFixed(2)}, bytes per event ${(web.bytesPerEvent / quick.bytesPerEvent).toFixed(2)}`,
    );
  }
  return figures;
}

/** Generation and encoding alone, each timed on its own over the same events. */
function generateAndEncode(
  scenario: Scenario,
): Pick<
  GeneratorFigures,
  'bytesPerEvent' | 'gzipRatio' | 'sdkGzipRatio' | 'generatePerCpuSecond' | 'zlibPerCpuSecond'
> {
  const generator = new EventGenerator(scenario, {
    runId: 'bench-generator',
    runTag: runTag('bench-generator'),
    worker: 0,
    workers: 1,
    seed: 1,
  });
  // Intended times at the scenario's own top rate: with sessions the share of first events in a
  // visit (larger: posthog-js's $set_once) depends on it, and 220,000 events at web-app's 1,000/s
  // span several think times, as a run does.
  const spacingMs = 1000 / topRate(scenario);
  const t0 = Date.now();
  let seq = 0;
  // The sender's own body writer; each body is copied out of its reused buffer to be kept for
  // the zlib step (a memcpy: about 1 % of generation for web-app).
  const writer = new BatchBodyWriter(TOKEN);
  const events: string[] = [];
  const batch = (): Buffer => {
    events.length = 0;
    for (let i = 0; i < scenario.batchSize; i++, seq++)
      events.push(generator.next(seq, t0 + seq * spacingMs));
    return Buffer.from(writer.write(events));
  };
  for (let i = 0; i < 20_000 / scenario.batchSize; i++) batch(); // warm the JIT
  // In chunks: generate a chunk's bodies, then encode the same bodies, each timed on its own.
  // Holding all EVENTS bodies at once (460 MB for web-app) charged the collector's work on them to
  // the generator: 26,000 events/CPU-s here against about 40,000 in a driver that kept none.
  let generateCpu = 0;
  let zlibCpu = 0;
  let json = 0;
  let wire = 0;
  let sdkWire = 0;
  for (let chunk = 0; chunk < EVENTS / CHUNK_EVENTS; chunk++) {
    const bodies: Buffer[] = [];
    generateCpu += cpuSeconds(() => {
      for (let i = 0; i < CHUNK_EVENTS / scenario.batchSize; i++) bodies.push(batch());
    });
    zlibCpu += cpuSeconds(() => {
      for (const body of bodies) wire += encodeBatchBody(body, 'gzip').body.length;
    });
    for (const body of bodies) {
      json += body.length;
      sdkWire += gzipSync(body, { level: 6 }).length;
    }
  }
  return {
    bytesPerEvent: json / EVENTS,
    gzipRatio: json / wire,
    sdkGzipRatio: json / sdkWire,
    generatePerCpuSecond: EVENTS / generateCpu,
    zlibPerCpuSecond: EVENTS / zlibCpu,
  };
}

/** Events acknowledged per CPU-second of this process, over the steady part of a full-speed run. */
async function sendFullSpeed(
  base: Scenario,
  sink: SinkProcess,
): Promise<{ perCpuSecond: number; window: string }> {
  // Planned at the scenario's own top rate, as generateAndEncode times its events: sessions run on
  // the planned times, and a plan of 1,000,000 events/s made every event the first of a new visit
  // (posthog-js's $set_once, new session and window ids): web-app's events were 3.2 kB instead of
  // 2.5 kB and generation 23 % slower, so send measured other events than the limit. The plan is
  // long enough never to run out; sending stops by abort after SEND_SECONDS.
  const rate = topRate(base);
  const scenario: Scenario = {
    ...base,
    phases: [
      {
        name: 'steady',
        kind: 'steady',
        durationMs: (SEND_PLANNED / rate) * 1000,
        fromRate: rate,
        toRate: rate,
        measured: true,
      },
    ],
    maxRetries: 0,
  };
  const plan = planLoad(scenario, {
    workers: 1,
    runId: `bench-gen-${Date.now().toString(36)}`,
    startAtMs: Date.now() + 2500,
    fullSpeed: true,
  });
  const stop = new AbortController();
  const stopTimer = setTimeout(() => stop.abort(), plan.startAtMs + SEND_SECONDS * 1000 - Date.now());
  const samples: { acknowledged: number; cpu: number; elapsedMs: number }[] = [];
  const onProgress = (p: LoadProgress): void => {
    const { user, system } = process.cpuUsage();
    samples.push({ acknowledged: p.acknowledged, cpu: (user + system) / 1e6, elapsedMs: p.elapsedMs });
  };
  const before = process.cpuUsage();
  const result = await runLoad({
    scenario,
    plan,
    ledger: Ledger.allocate(plan.workers.map((w) => w.capacity)),
    target: { captureUrl: sink.url, token: TOKEN, endpoint: BLACK_HOLE },
    onProgress,
    progressIntervalMs: 500,
    signal: stop.signal,
  }).finally(() => clearTimeout(stopTimer));
  const sent = result.counts.anonymous.sent + result.counts.identified.sent;
  if (sent >= plan.planned)
    throw new Error(`the send ran out of its ${plan.planned} planned events: raise SEND_PLANNED`);
  // Up to the stop only: after it the worker books the planned events it never sent as dropped
  // (with sessions, the model advances through each of them), which is no sending.
  const steady = samples.filter(
    (s) => s.elapsedMs >= SEND_WARMUP_S * 1000 && s.elapsedMs <= SEND_SECONDS * 1000,
  );
  const first = steady[0];
  const last = steady[steady.length - 1];
  if (first && last && last.acknowledged > first.acknowledged) {
    return {
      perCpuSecond: (last.acknowledged - first.acknowledged) / (last.cpu - first.cpu),
      window: 'steady',
    };
  }
  // Progress too sparse to cut out the warm-up (a starved machine): the whole run, start-up included.
  const { user, system } = process.cpuUsage(before);
  const acknowledged = result.counts.anonymous.acknowledged + result.counts.identified.acknowledged;
  return { perCpuSecond: acknowledged / ((user + system) / 1e6), window: 'whole run' };
}

function topRate(scenario: Scenario): number {
  return Math.max(...scenario.phases.map((p) => Math.max(p.fromRate, p.toRate)));
}

function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1e6;
}
