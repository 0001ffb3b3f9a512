// Reference target ingestion, one process, no HTTP and no queue: how many events per second the
// batch processor stores for each class (class-pure runs, same payload shape), and the CPU per
// event it measured. `npm run bench -- ingest [events] [batchSize] [anonymous|identified]
// [--baseline <dist dir>] [--rounds n] [--floor]`, or `node dist/bench/reference-ingest.js` with the same
// arguments.
//
// --baseline runs another build's ingestion core (its `dist/`, e.g. main's, built with
// `npm run build`) beside this one, in the same process and alternating the order per round, so
// the shared machine's drift falls on both alike; it prints this build ÷ the baseline per round.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { CapturedEvent } from '../src/reference/captured-event.js';
import * as processBatch from '../src/reference/ingest/process-batch.js';
import * as store from '../src/reference/store/open-store.js';
import type { EventClass } from '../src/scenario/scenario.js';
import { median, range } from './bench-figures.js';

const TOKEN = 'phc_bench';
const POPULATION = 10_000;

export interface ClassFigures {
  readonly events: number;
  /** Wall clock inside process(), commit included: drops when other processes share the cores. */
  readonly eventsPerSecond: number;
  /** Events per second of this process's CPU inside process(), commit included. */
  readonly eventsPerCpuSecond: number;
  /** The processor's own per-class measurement (excludes BEGIN/COMMIT). */
  readonly cpuMicrosPerEvent: number;
  readonly personRowsWrittenPerEvent: number;
}

export interface ReferenceIngestFigures {
  readonly batchSize: number;
  readonly durable: boolean;
  readonly anonymous?: ClassFigures;
  readonly identified?: ClassFigures;
  /** identified CPU per event ÷ anonymous CPU per event (both classes run). */
  readonly cpuRatio?: number;
  /** With a baseline: this build ÷ the baseline per class, median over the rounds. */
  readonly versusBaseline?: Partial<Record<EventClass, { readonly wall: number; readonly cpu: number }>>;
}

/** The two entry points of an ingestion core: this build's, or a baseline build's. */
interface IngestCore {
  readonly createBatchProcessor: typeof processBatch.createBatchProcessor;
  readonly openStore: typeof store.openStore;
}

const THIS_BUILD: IngestCore = {
  createBatchProcessor: processBatch.createBatchProcessor,
  openStore: store.openStore,
};

/** Another build's core, from its dist directory (the one holding src/ and bench/). */
async function loadCore(distDir: string): Promise<IngestCore> {
  const url = (path: string): string => pathToFileURL(resolve(distDir, path)).href;
  try {
    const batch = (await import(url('src/reference/ingest/process-batch.js'))) as typeof processBatch;
    const opener = (await import(url('src/reference/store/open-store.js'))) as typeof store;
    return { createBatchProcessor: batch.createBatchProcessor, openStore: opener.openStore };
  } catch (error) {
    throw new Error(
      `--baseline ${distDir}: cannot load its ingestion core (${(error as Error).message}); ` +
        'give the dist/ directory of a build of this repository (its node_modules beside it)',
      { cause: error },
    );
  }
}

/** A posthog-js-like $pageview: about 30 properties, ~1 KB of JSON. */
export function pageview(seq: number, personless: boolean, startMs: number): CapturedEvent {
  const user = seq % POPULATION;
  const uuid = `0190${(seq >>> 0).toString(16).padStart(4, '0').slice(-4)}-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`;
  const distinctId = personless ? `anon-${user}` : `user-${user}`;
  const properties: Record<string, unknown> = {
    $os: 'Mac OS X',
    $os_version: '14.4.0',
    $browser: seq % 3 === 0 ? 'Chrome' : 'Firefox',
    $device_type: 'Desktop',
    $current_url: `https://shop.example.com/products/${seq % 500}`,
    $host: 'shop.example.com',
    $pathname: `/products/${seq % 500}`,
    $browser_version: 124,
    $browser_language: 'en-GB',
    $screen_height: 1080,
    $screen_width: 1920,
    $viewport_height: 960,
    $viewport_width: 1800,
    $lib: 'web',
    $lib_version: '1.130.0',
    $insert_id: `ins${seq}`,
    $time: startMs / 1000,
    distinct_id: distinctId,
    $device_id: `dev-${user}`,
    $referrer: '$direct',
    $referring_domain: '$direct',
    $session_id: `sess-${user}-${seq >>> 6}`,
    $window_id: `win-${user}`,
    $pageview_id: `pv-${seq}`,
    title: 'Product page',
    ingestbench_run: 'bench',
    ingestbench_class: personless ? 'anonymous' : 'identified',
    ingestbench_seq: seq,
  };
  if (personless) properties['$process_person_profile'] = false;
  else if (seq % 10 === 0)
    properties['$set'] = { plan: seq % 20 === 0 ? 'pro' : 'free', last_product: seq % 500 };
  return {
    uuid,
    distinctId,
    token: TOKEN,
    now: new Date(startMs).toISOString(),
    sentAt: null,
    ip: '127.0.0.1',
    historicalMigration: false,
    data: {
      uuid,
      event: '$pageview',
      distinct_id: distinctId,
      timestamp: new Date(startMs - 5).toISOString(),
      properties,
    },
  };
}

function runClass(
  core: IngestCore,
  personless: boolean,
  events: number,
  batchSize: number,
  durable: boolean,
  file: string,
  floor?: { rowsPerSecond: number },
): ClassFigures {
  const db = core.openStore(file, { durable });
  const processor = core.createBatchProcessor(db, {
    teamIdForToken: (token) => (token === TOKEN ? 1 : undefined),
  });
  const start = Date.now();
  // Warm the statements and the JIT on a separate slice of the population before timing.
  processor.process(Array.from({ length: 2000 }, (_, j) => pageview(events + j, personless, start)));

  // Events are made batch by batch (a 200k-event heap would tax GC for the processor) and only
  // the time inside process() counts, commit included.
  let cpu = 0;
  let personRows = 0;
  let nanos = 0n;
  let processCpu = 0;
  for (let i = 0; i < events; i += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, events - i) }, (_, j) =>
      pageview(i + j, personless, start),
    );
    const cpuBefore = process.cpuUsage();
    const began = process.hrtime.bigint();
    const outcome = processor.process(batch);
    nanos += process.hrtime.bigint() - began;
    const cpuSpent = process.cpuUsage(cpuBefore);
    processCpu += cpuSpent.user + cpuSpent.system;
    cpu += personless ? outcome.cpuMicros.anonymous : outcome.cpuMicros.identified;
    personRows += outcome.personRowsWritten;
  }
  const seconds = Number(nanos) / 1e9;
  if (floor !== undefined) floor.rowsPerSecond = sqliteFloor(core, db, `${file}.floor`);
  db.close();
  return {
    events,
    eventsPerSecond: Math.round(events / seconds),
    eventsPerCpuSecond: Math.round(events / (processCpu / 1e6)),
    cpuMicrosPerEvent: Math.round((cpu / events) * 10) / 10,
    personRowsWrittenPerEvent: Math.round((personRows / events) * 1000) / 1000,
  };
}

/**
 * SQLite alone: the events rows the run stored, inserted again into a fresh store (same schema and
 * pragmas, the same batches in one transaction each) with nothing else: rows/s wall.
 */
function sqliteFloor(core: IngestCore, source: ReturnType<IngestCore['openStore']>, file: string): number {
  const columns =
    'team_id, uuid, event, distinct_id, timestamp, created_at, inserted_at, properties, person_id, person_mode, person_properties';
  const rows = source.prepare(`SELECT ${columns} FROM events`).raw().all() as unknown[][];
  const db = core.openStore(file);
  const insert = db.prepare(`INSERT INTO events (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const write = db.transaction((batch: unknown[][]) => {
    for (const row of batch) insert.run(...row);
  });
  const began = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += 1000) write(rows.slice(i, i + 1000));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  db.close();
  return Math.round(rows.length / seconds);
}

export interface ReferenceIngestOptions {
  readonly events?: number;
  readonly batchSize?: number;
  readonly durable?: boolean;
  /** One class only (default both). */
  readonly eventClass?: EventClass;
  /** Another build's dist directory to measure beside this one. */
  readonly baseline?: string;
  /** Rounds with a baseline (default 3). */
  readonly rounds?: number;
  /** Also time SQLite alone re-inserting each class's stored rows (this build's store). */
  readonly floor?: boolean;
}

const line = (label: string, f: ClassFigures, eventClass: EventClass): string =>
  `  ${label.padEnd(22)} ${String(f.eventsPerSecond).padStart(8)} events/s wall  ${String(f.eventsPerCpuSecond).padStart(8)} events/CPU-s` +
  `   ${f.cpuMicrosPerEvent} µs CPU/event (processor's measure)` +
  (eventClass === 'identified' ? `   ${f.personRowsWrittenPerEvent} person rows written/event` : '') +
  '\n';

export async function runReferenceIngestBench(
  options: ReferenceIngestOptions = {},
): Promise<ReferenceIngestFigures> {
  const events = options.events ?? 200_000;
  const batchSize = options.batchSize ?? 1000;
  const durable = options.durable ?? false;
  const classes: readonly EventClass[] =
    options.eventClass !== undefined ? [options.eventClass] : ['anonymous', 'identified'];
  const baseline = options.baseline !== undefined ? await loadCore(options.baseline) : undefined;
  const rounds = baseline !== undefined ? (options.rounds ?? 3) : 1;
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-bench-'));
  const out = (text: string): void => void process.stdout.write(text);
  try {
    out(
      `reference ingestion, one process, ${events} events per class, batches of ${batchSize}, durable=${durable}` +
        (options.baseline !== undefined ? `, ${rounds} rounds beside the baseline ${options.baseline}` : '') +
        '\n',
    );
    let runs = 0;
    const run = (core: IngestCore, eventClass: EventClass): ClassFigures =>
      runClass(core, eventClass === 'anonymous', events, batchSize, durable, join(dir, `${runs++}.db`));
    const current: Partial<Record<EventClass, ClassFigures[]>> = {};
    const ratios: Partial<Record<EventClass, { wall: number[]; cpu: number[] }>> = {};
    for (let round = 0; round < rounds; round++) {
      if (rounds > 1) out(`round ${round + 1}\n`);
      for (const eventClass of classes) {
        if (baseline === undefined) {
          const floor = { rowsPerSecond: 0 };
          const figures = runClass(
            THIS_BUILD,
            eventClass === 'anonymous',
            events,
            batchSize,
            durable,
            join(dir, `${runs++}.db`),
            options.floor === true ? floor : undefined,
          );
          (current[eventClass] ??= []).push(figures);
          out(line(eventClass, figures, eventClass));
          if (options.floor === true)
            out(`  ${''.padEnd(22)} SQLite alone, the same rows again: ${floor.rowsPerSecond} rows/s wall\n`);
          continue;
        }
        // Alternate which build goes first: the second run of a pair finds a warmer page cache.
        const baseFirst = round % 2 === 0;
        const first = run(baseFirst ? baseline : THIS_BUILD, eventClass);
        const second = run(baseFirst ? THIS_BUILD : baseline, eventClass);
        const [base, mine] = baseFirst ? [first, second] : [second, first];
        (current[eventClass] ??= []).push(mine);
        const r = (ratios[eventClass] ??= { wall: [], cpu: [] });
        r.wall.push(mine.eventsPerSecond / base.eventsPerSecond);
        r.cpu.push(mine.eventsPerCpuSecond / base.eventsPerCpuSecond);
        out(line(`${eventClass} baseline`, base, eventClass));
        out(line(`${eventClass} this build`, mine, eventClass));
        out(
          `  ${''.padEnd(22)} this build ÷ baseline: ${(mine.eventsPerSecond / base.eventsPerSecond).toFixed(2)} events/s wall, ` +
            `${(mine.eventsPerCpuSecond / base.eventsPerCpuSecond).toFixed(2)} events/CPU-s\n`,
        );
      }
    }
    const best = (eventClass: EventClass): ClassFigures | undefined => {
      const list = current[eventClass];
      if (list === undefined) return undefined;
      return [...list].sort((a, b) => a.eventsPerCpuSecond - b.eventsPerCpuSecond)[list.length >> 1];
    };
    const anonymous = best('anonymous');
    const identified = best('identified');
    const versusBaseline: NonNullable<ReferenceIngestFigures['versusBaseline']> = {};
    for (const [eventClass, r] of Object.entries(ratios) as [
      EventClass,
      { wall: number[]; cpu: number[] },
    ][]) {
      versusBaseline[eventClass] = { wall: median(r.wall), cpu: median(r.cpu) };
      out(
        `${eventClass}: this build ÷ baseline, median [range] of ${rounds} rounds: ` +
          `${range(r.wall)} events/s wall, ${range(r.cpu)} events/CPU-s\n`,
      );
    }
    const cpuRatio =
      anonymous !== undefined && identified !== undefined
        ? Math.round((identified.cpuMicrosPerEvent / anonymous.cpuMicrosPerEvent) * 100) / 100
        : undefined;
    if (cpuRatio !== undefined) out(`  CPU per event, identified ÷ anonymous: ${cpuRatio}\n`);
    return {
      batchSize,
      durable,
      ...(anonymous !== undefined ? { anonymous } : {}),
      ...(identified !== undefined ? { identified } : {}),
      ...(cpuRatio !== undefined ? { cpuRatio } : {}),
      ...(baseline !== undefined ? { versusBaseline } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `[events] [batchSize] [anonymous|identified] [--baseline dir] [--rounds n] [--floor]`. */
export function parseIngestBenchArgs(args: readonly string[]): ReferenceIngestOptions {
  const options: { -readonly [K in keyof ReferenceIngestOptions]: ReferenceIngestOptions[K] } = {};
  const numbers: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--baseline' || arg === '--rounds') {
      const value = args[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--baseline') options.baseline = value;
      else options.rounds = Number(value);
    } else if (arg === '--floor') {
      options.floor = true;
    } else if (arg === 'anonymous' || arg === 'identified') {
      options.eventClass = arg;
    } else if (/^\d+$/.test(arg)) {
      numbers.push(Number(arg));
    }
  }
  const [events, batchSize] = numbers;
  if (events !== undefined && events > 0) options.events = events;
  if (batchSize !== undefined && batchSize > 0) options.batchSize = batchSize;
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runReferenceIngestBench(parseIngestBenchArgs(process.argv.slice(2)));
}
