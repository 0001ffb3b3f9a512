// Generator bench (`npm run bench -- generator`): can one sender core keep up with real events?
// For quickstart and web-app (posthog-js profile), per sender CPU-second, in rounds:
//   generate  — events rendered and written into the scenario's batch bodies (BatchBodyWriter);
//   zlib      — the same bodies through the sender's encoder alone (encodeBatchBody);
//               (and, untimed, their ratio at zlib's default level 6, what the SDKs send);
//   limit     — both in series on one core, 1 / (1/generate + 1/zlib): the most a serial sender
//               (one thread that renders, then encodes, each batch) could do before any HTTP;
//   send      — the sender's own path (the send loop, the body writer, gzip, the batch sender and
//               its undici pool, the counters; no ledger, as counts observation runs) at full
//               speed on this thread, into the reference target's /test/black_hole/ in a child
//               process (it reads and validates each body), events acknowledged per CPU-second
//               of this process.
// Then, on one chunk of each scenario's bodies, the other gzip options (ENCODINGS) against the
// sender's level, paired slice by slice; and web-app once more with `compression: none`, and what
// its 60,000/s goal would need of an encoder at the measured generation speed.
// Same work: generate and send render the same events. Two generators built alike (seed, plan at
// the scenario's own top rate, so that sessions give both the same visits) render the same seq
// range in each round, one for the timed generation, one inside the send; only the timestamps'
// digits differ (the send stamps its send time). So send − limit is the HTTP and the bookkeeping.
// Interleaved: a shared machine gives quiet and busy seconds at random, so each round measures
// generate, zlib and send back to back (the order alternates) over a few seconds, and the bench
// prints each figure's median over the rounds and send ÷ limit as the median of the rounds' own
// ratios with their range. Figures are CPU time, not wall time: a busy neighbour stretches wall
// time but not the CPU a piece of work needs.

import { gzipSync, type ZlibOptions } from 'node:zlib';
import { systemClock } from '../src/clock.js';
import { BatchBodyWriter, encodeBatchBody, GZIP_LEVEL } from '../src/generate/batch-body.js';
import { EventGenerator, type EventGeneratorOptions } from '../src/generate/event-generator.js';
import { runTag } from '../src/generate/event-uuid.js';
import { Prng } from '../src/generate/prng.js';
import { LoadHistograms } from '../src/core/latency-histogram.js';
import { BatchSender } from '../src/load/batch-sender.js';
import type { EventSource } from '../src/load/event-source.js';
import { LoadTally } from '../src/load/load-tally.js';
import { Schedule } from '../src/load/schedule.js';
import { runSendLoop } from '../src/load/send-loop.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import type { Compression, Scenario } from '../src/scenario/scenario.js';
import { fmt, median, range } from './bench-figures.js';
import { BLACK_HOLE, SINK_TOKEN as TOKEN, startSinkProcess, type SinkProcess } from './sink-process.js';

/**
 * The scenarios measured, and web-app once more without compression: what the goal would cost
 * the target if the sender did not gzip (the same events, 4–5× the bytes on the wire).
 */
const SCENARIOS: readonly {
  readonly label: string;
  readonly file: string;
  readonly compression?: Compression;
}[] = [
  { label: 'quickstart', file: 'quickstart' },
  { label: 'web-app', file: 'web-app' },
  { label: 'web-app, compression: none', file: 'web-app', compression: 'none' },
];
/** Rounds measured (after one warm-up round: JIT, connections, pools). */
const ROUNDS = 7;
/** Events of the warm-up round; its send rate sizes the measured rounds. */
const WARMUP_EVENTS = 30_000;
/** CPU-seconds a measured round's send should take: long enough to average a round's jitter. */
const ROUND_SEND_S = 1.2;
/** Events generated, then encoded, per step of a round's generate and zlib measurement. */
const CHUNK_EVENTS = 10_000;

export interface GeneratorFigures {
  readonly scenario: string;
  readonly bytesPerEvent: number;
  readonly gzipRatio: number;
  /** The same bodies at zlib's default level 6 (posthog-js's fflate, posthog-node), untimed. */
  readonly sdkGzipRatio: number;
  readonly rounds: number;
  readonly eventsPerRound: number;
  /** Medians over the rounds, events per CPU-second. */
  readonly generatePerCpuSecond: number;
  readonly zlibPerCpuSecond: number;
  readonly limitPerCpuSecond: number;
  readonly sendPerCpuSecond: number;
  /** send ÷ limit of each round, in round order. */
  readonly sendShareOfLimit: readonly number[];
  /** The other ways to gzip the same bodies, against the sender's level (GZIP_LEVEL). */
  readonly encodings: readonly EncodingFigures[];
}

/** One way to gzip the bodies: its CPU per event and its ratio, beside the sender's level. */
export interface EncodingFigures {
  readonly name: string;
  /** Median over the slices of this option's CPU ÷ the sender's level's CPU on the same slice. */
  readonly cpuOfSender: number;
  readonly gzipRatio: number;
  /** Events per CPU-second: the sender's zlib median from the rounds ÷ cpuOfSender. */
  readonly perCpuSecond: number;
}

/**
 * The sender's gzip level first (every other option is compared with it), then the options it
 * could use instead, each one-shot per request body as the sender does. Level 0 still makes a
 * gzip body (stored blocks): what "no compression" would cost in CPU with the Content-Encoding the
 * SDKs send.
 */
const ENCODINGS: readonly { readonly name: string; readonly options: ZlibOptions }[] = [
  { name: `level ${GZIP_LEVEL} (the sender)`, options: { level: GZIP_LEVEL } },
  { name: 'level 6 (the SDKs)', options: { level: 6 } },
  { name: `level ${GZIP_LEVEL} memLevel 9`, options: { level: GZIP_LEVEL, memLevel: 9 } },
  { name: `level ${GZIP_LEVEL} windowBits 13`, options: { level: GZIP_LEVEL, windowBits: 13 } },
  { name: 'level 0 (stored)', options: { level: 0 } },
];
/** CPU-seconds the sender's level takes on one slice of the sample, and the pairs per option. */
const SLICE_S = 0.01;
const ENCODING_PAIRS = 30;
/** web-app's goal, events per sender CPU-second. */
const GOAL_PER_CPU_SECOND = 60_000;

export async function runGeneratorBench(
  out: NodeJS.WritableStream = process.stdout,
): Promise<GeneratorFigures[]> {
  const print = (line: string): void => void out.write(`${line}\n`);
  const sink = await startSinkProcess();
  print(`sink: ${sink.kind}`);
  print(
    `events per sender CPU-second (user + system, all threads of this process), medians of ${ROUNDS} interleaved rounds`,
  );
  const figures: GeneratorFigures[] = [];
  try {
    for (const { label, file, compression } of SCENARIOS) {
      const loaded = await loadScenario(new URL(`../../scenarios/${file}.yaml`, import.meta.url).pathname);
      const scenario = compression === undefined ? loaded : { ...loaded, compression };
      const f = await measureScenario(label, scenario, sink);
      figures.push(f);
      const encoding =
        scenario.compression === 'gzip'
          ? `gzip ${f.gzipRatio.toFixed(2)}x (level 6 as the SDKs ${f.sdkGzipRatio.toFixed(2)}x: ${(f.sdkGzipRatio / f.gzipRatio).toFixed(2)}x the bytes on the wire)`
          : `not compressed (level 6 as the SDKs ${f.sdkGzipRatio.toFixed(2)}x: ${f.sdkGzipRatio.toFixed(2)}x the bytes on the wire)`;
      print(
        `${label} ${fmt(f.bytesPerEvent)} B/event, batches of ${scenario.batchSize} ${encoding} | ` +
          `generate ${fmt(f.generatePerCpuSecond)}/s, ${scenario.compression === 'gzip' ? 'zlib' : 'encode (a copy)'} ${fmt(f.zlibPerCpuSecond)}/s, limit ${fmt(f.limitPerCpuSecond)}/s | ` +
          `send ${fmt(f.sendPerCpuSecond)}/s | send ÷ limit ${range(f.sendShareOfLimit)} ` +
          `(rounds of ${fmt(f.eventsPerRound)} events: ${f.sendShareOfLimit.map((r) => r.toFixed(2)).join(' ')})`,
      );
      if (f.encodings.length === 0) continue;
      print(
        `${''.padEnd(10)} gzip options on ${fmt(CHUNK_EVENTS)} of its events, CPU ÷ level ${GZIP_LEVEL} (median of ${ENCODING_PAIRS}+ slices of ${SLICE_S * 1000} ms), ratio, events/s: ` +
          f.encodings
            .map(
              (e) =>
                `${e.name} ${e.cpuOfSender.toFixed(2)}x ${e.gzipRatio.toFixed(2)}x ${fmt(e.perCpuSecond)}/s`,
            )
            .join(' | '),
      );
    }
  } finally {
    await sink.stop();
  }
  const [quick, web, plain] = figures;
  if (quick && web && plain) {
    print(
      `web-app ÷ quickstart: send ${(web.sendPerCpuSecond / quick.sendPerCpuSecond).toFixed(2)}, bytes per event ${(web.bytesPerEvent / quick.bytesPerEvent).toFixed(2)}`,
    );
    print(
      `web-app goal ${fmt(GOAL_PER_CPU_SECOND)}/s per sender core: zlib alone on its bytes ${fmt(web.zlibPerCpuSecond)}/s, generation alone ${fmt(web.generatePerCpuSecond)}/s, both in series ${fmt(web.limitPerCpuSecond)}/s`,
    );
    print(`web-app goal: ${goalVerdict(web)}`);
    print(
      `web-app without compression: send ${fmt(plain.sendPerCpuSecond)}/s per sender core, ${(plain.sendPerCpuSecond / GOAL_PER_CPU_SECOND).toFixed(2)} of the goal, ` +
        `${(plain.sendPerCpuSecond / web.sendPerCpuSecond).toFixed(2)}x web-app's send with gzip level ${GZIP_LEVEL}, for ${web.gzipRatio.toFixed(2)}x its bytes on the wire`,
    );
  }
  return figures;
}

/** One round's raw figures. */
interface Round {
  readonly generateCpu: number;
  readonly zlibCpu: number;
  readonly sendCpu: number;
  readonly events: number;
}

async function measureScenario(
  name: string,
  scenario: Scenario,
  sink: SinkProcess,
): Promise<GeneratorFigures> {
  const bench = new TwinWorkload(scenario, sink);
  try {
    // Warm-up, two rounds: JIT for both paths, the pool's connections; the second's send rate sizes
    // the rounds (after one round only, quickstart's send was still warming: rounds too short).
    await bench.round(WARMUP_EVENTS, false, false);
    const warm = await bench.round(WARMUP_EVENTS, true, false);
    const perRound = roundUp(
      Math.max(CHUNK_EVENTS, (warm.events / warm.sendCpu) * ROUND_SEND_S),
      CHUNK_EVENTS,
    );
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await bench.round(perRound, r % 2 === 1, true));
    const ratio = (r: Round): number => r.events / r.sendCpu / limit(r);
    const limit = (r: Round): number => 1 / (r.generateCpu / r.events + r.zlibCpu / r.events);
    return {
      scenario: name,
      bytesPerEvent: bench.json / bench.eventsEncoded,
      gzipRatio: bench.json / bench.wire,
      sdkGzipRatio: bench.sdkJson / bench.sdkWire,
      rounds: ROUNDS,
      eventsPerRound: perRound,
      generatePerCpuSecond: median(rounds.map((r) => r.events / r.generateCpu)),
      zlibPerCpuSecond: median(rounds.map((r) => r.events / r.zlibCpu)),
      limitPerCpuSecond: median(rounds.map(limit)),
      sendPerCpuSecond: median(rounds.map((r) => r.events / r.sendCpu)),
      sendShareOfLimit: rounds.map(ratio),
      encodings:
        scenario.compression === 'gzip'
          ? bench.encodingOptions(median(rounds.map((r) => r.events / r.zlibCpu)))
          : [],
    };
  } finally {
    await bench.close();
  }
}

/**
 * The scenario's events twice over: one generator for the timed generation and zlib steps, one
 * inside the send's source, built alike, each round taking the next seq range on both.
 */
class TwinWorkload {
  private readonly schedule: Schedule;
  private readonly startAtMs = Date.now();
  private readonly renderer: EventGenerator;
  private readonly source: RoundSource;
  private readonly writer = new BatchBodyWriter(TOKEN);
  private readonly sender: BatchSender;
  private readonly tally: LoadTally;
  private readonly idle = new AbortController();
  private next = 0;
  json = 0;
  wire = 0;
  eventsEncoded = 0;
  sdkJson = 0;
  sdkWire = 0;
  /** The first measured chunk's bodies, for the gzip options. */
  private sample: Buffer[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly sink: SinkProcess,
  ) {
    // Planned at the scenario's own top rate, for both: sessions run on the planned times, and
    // how many events are a visit's first (larger: posthog-js's $set_once) depends on the rate.
    // A plan of 1,000,000 events/s made every web-app event the first of a new visit (3.2 kB
    // instead of 2.5 kB, generation 23 % slower). The plan is far longer than the bench sends.
    const rate = Math.max(...scenario.phases.map((p) => Math.max(p.fromRate, p.toRate)));
    const phase = { name: 'steady', kind: 'steady', fromRate: rate, toRate: rate, measured: true } as const;
    this.schedule = new Schedule([{ ...phase, durationMs: (50_000_000 / rate) * 1000 }], 0, 1);
    const runId = `bench-gen-${this.startAtMs.toString(36)}`;
    const options: EventGeneratorOptions = {
      runId,
      runTag: runTag(runId),
      worker: 0,
      workers: 1,
      seed: 1,
      startAtMs: this.startAtMs,
      offsetMs: (n) => this.schedule.offsetMs(n),
    };
    this.renderer = new EventGenerator(scenario, options);
    this.source = new RoundSource(this.schedule, new EventGenerator(scenario, options));
    this.tally = new LoadTally(this.startAtMs);
    this.sender = new BatchSender(
      {
        captureUrl: sink.url,
        endpoint: BLACK_HOLE,
        maxInFlight: scenario.maxInFlight,
        requestTimeoutMs: scenario.requestTimeoutMs,
        maxRetries: 0,
        clock: systemClock,
        signal: this.idle.signal,
        random: new Prng(1),
      },
      // No per-event ledger (as counts observation runs): the ledger is the run's, not the sender's.
      null,
      this.tally,
      new LoadHistograms(),
    );
  }

  /** The next `events` events: generated and encoded alone, and sent, in either order. */
  async round(events: number, sendFirst: boolean, measured: boolean): Promise<Round> {
    const first = this.next;
    this.next += events;
    let send = 0;
    if (sendFirst) send = await this.send(first, events);
    const { generateCpu, zlibCpu } = this.generateAndEncode(first, events, measured);
    if (!sendFirst) send = await this.send(first, events);
    return { generateCpu, zlibCpu, sendCpu: send, events };
  }

  async close(): Promise<void> {
    await this.sender.close();
  }

  /**
   * Every gzip option over the sample bodies: the sample in slices of about SLICE_S of the
   * sender's CPU each, every slice through every option back to back (the order rotating), in as
   * many passes as give ENCODING_PAIRS slices per option. Each option's CPU is compared with the
   * sender's level's on the same slice a few milliseconds apart, so a busy second on a shared
   * machine spoils a few pairs, not the figure (the median of all pairs). `senderPerCpuSecond`
   * (the rounds' zlib median, through the sender's own encoder) turns each ratio into events per
   * CPU-second.
   */
  encodingOptions(senderPerCpuSecond: number): EncodingFigures[] {
    const json = this.sample.reduce((sum, body) => sum + body.length, 0);
    const sliceEvents = senderPerCpuSecond * SLICE_S;
    const perSlice = Math.max(1, Math.round(sliceEvents / this.scenario.batchSize));
    const slices: Buffer[][] = [];
    for (let at = 0; at < this.sample.length; at += perSlice)
      slices.push(this.sample.slice(at, at + perSlice));
    const ratios = ENCODINGS.map((): number[] => []);
    const wire = ENCODINGS.map(() => 0);
    const cpu = ENCODINGS.map(() => 0);
    const passes = Math.ceil(ENCODING_PAIRS / slices.length);
    for (let pass = 0; pass < passes; pass++) {
      slices.forEach((slice, s) => {
        for (let k = 0; k < ENCODINGS.length; k++) {
          const i = (k + pass + s) % ENCODINGS.length;
          const { options } = ENCODINGS[i]!;
          let bytes = 0;
          cpu[i] = cpuSeconds(() => {
            for (const body of slice) bytes += gzipSync(body, options).length;
          });
          if (pass === 0) wire[i]! += bytes;
        }
        ENCODINGS.forEach((_, i) => ratios[i]!.push(cpu[i]! / cpu[0]!));
      });
    }
    return ENCODINGS.map(({ name }, i) => {
      const cpuOfSender = median(ratios[i]!);
      return {
        name,
        cpuOfSender,
        gzipRatio: json / wire[i]!,
        perCpuSecond: senderPerCpuSecond / cpuOfSender,
      };
    });
  }

  /** Generation and zlib alone on events [first, first + events), chunk by chunk. */
  private generateAndEncode(
    first: number,
    events: number,
    measured: boolean,
  ): { generateCpu: number; zlibCpu: number } {
    const { batchSize } = this.scenario;
    const batch: string[] = [];
    let generateCpu = 0;
    let zlibCpu = 0;
    // In chunks: holding a whole round's bodies (hundreds of MB for web-app) charged the
    // collector's work on them to the generator. Each body is copied out of the writer's reused
    // buffer to be kept for the zlib step (a memcpy: about 1 % of generation for web-app).
    for (let chunkStart = first; chunkStart < first + events; chunkStart += CHUNK_EVENTS) {
      const chunkEnd = Math.min(chunkStart + CHUNK_EVENTS, first + events);
      const bodies: Buffer[] = [];
      generateCpu += cpuSeconds(() => {
        for (let seq = chunkStart; seq < chunkEnd;) {
          batch.length = 0;
          const end = Math.min(seq + batchSize, chunkEnd);
          for (; seq < end; seq++)
            batch.push(this.renderer.next(seq, this.schedule.intendedAt(this.startAtMs, seq)));
          bodies.push(Buffer.from(this.writer.write(batch)));
        }
      });
      let wire = 0;
      zlibCpu += cpuSeconds(() => {
        for (const body of bodies) wire += encodeBatchBody(body, this.scenario.compression).body.length;
      });
      if (!measured) continue;
      this.wire += wire;
      this.eventsEncoded += chunkEnd - chunkStart;
      for (const body of bodies) this.json += body.length;
      // Level 6 is slow and untimed: each measured round's first chunk gives its ratio.
      if (chunkStart === first) {
        if (this.sample.length === 0) this.sample = bodies;
        for (const body of bodies) {
          this.sdkJson += body.length;
          this.sdkWire += gzipSync(body, { level: 6 }).length;
        }
      }
    }
    return { generateCpu, zlibCpu };
  }

  /** Sends events [first, first + events) at full speed; CPU-seconds until the last answer. */
  private async send(first: number, events: number): Promise<number> {
    this.source.window(first, events);
    const acknowledged = this.tally.totals().acknowledged;
    const before = process.cpuUsage();
    await runSendLoop({
      startAtMs: systemClock.now(),
      fullSpeed: true,
      source: this.source,
      batchSize: this.scenario.batchSize,
      token: TOKEN,
      compression: this.scenario.compression,
      shard: null,
      buckets: null,
      sender: this.sender,
      tally: this.tally,
      clock: systemClock,
      signal: this.idle.signal,
    });
    const { user, system } = process.cpuUsage(before);
    const answered = this.tally.totals().acknowledged - acknowledged;
    if (answered !== events) {
      throw new Error(
        `generator bench: ${answered} of ${events} events acknowledged by the sink at ${this.sink.url}${BLACK_HOLE}`,
      );
    }
    return (user + system) / 1e6;
  }
}

/**
 * The send's events of one round: seq range [base, base + count) of the twin generator, seen by
 * the send loop as its events 0 … count − 1.
 */
class RoundSource implements EventSource {
  count = 0;
  /** Never reached: a round ends when its events are sent. */
  readonly durationMs = Number.POSITIVE_INFINITY;
  private base = 0;

  constructor(
    private readonly schedule: Schedule,
    private readonly generator: EventGenerator,
  ) {}

  window(base: number, count: number): void {
    this.base = base;
    this.count = count;
  }

  get identified(): boolean {
    return this.generator.identified;
  }

  batchEnd(first: number, batchSize: number): number {
    return Math.min(first + batchSize, this.count);
  }

  offsetMs(n: number): number {
    return this.schedule.offsetMs(this.base + n);
  }

  intendedAt(startAtMs: number, n: number): number {
    return this.schedule.intendedAt(startAtMs, this.base + n);
  }

  isMeasured(): boolean {
    return true;
  }

  next(n: number, intendedMs: number): string {
    return this.generator.next(this.base + n, intendedMs);
  }

  skip(): boolean {
    return this.generator.skip();
  }

  close(): void {}
}

/**
 * Whether web-app's goal fits this machine: at the measured generation speed, 60,000 events per
 * sender CPU-second leaves 1/60,000 − 1/generate CPU-seconds per event for encoding, and this says
 * which gzip options are that fast, at what ratio.
 */
function goalVerdict(web: GeneratorFigures): string {
  const leftPerEvent = 1 / GOAL_PER_CPU_SECOND - 1 / web.generatePerCpuSecond;
  if (leftPerEvent <= 0) {
    return `generation alone (${fmt(web.generatePerCpuSecond)}/s) is slower than the goal: no encoder can reach it`;
  }
  const needed = 1 / leftPerEvent;
  const fast = web.encodings.filter((e) => e.perCpuSecond >= needed);
  const which =
    fast.length === 0
      ? 'none of the gzip options measured is'
      : fast.map((e) => `${e.name} (${fmt(e.perCpuSecond)}/s, ${e.gzipRatio.toFixed(2)}x)`).join(', ') +
        ' is';
  return `with generation at ${fmt(web.generatePerCpuSecond)}/s, the encoder must do ${fmt(needed)} events/s before any HTTP: ${which} that fast`;
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1e6;
}
