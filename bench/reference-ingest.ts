// Reference target ingestion, one process, no HTTP and no queue: how many events per second the
// batch processor stores for each class (class-pure runs, same payload shape), and the CPU per
// event it measured. Run by hand: `node dist/bench/reference-ingest.js [events] [batchSize]`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { CapturedEvent } from '../src/reference/captured-event.js';
import { createBatchProcessor } from '../src/reference/ingest/process-batch.js';
import { openStore } from '../src/reference/store/open-store.js';

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
  readonly anonymous: ClassFigures;
  readonly identified: ClassFigures;
  /** identified CPU per event ÷ anonymous CPU per event. */
  readonly cpuRatio: number;
}

/** A posthog-js-like $pageview: about 30 properties, ~1 KB of JSON. */
function pageview(seq: number, personless: boolean, startMs: number): CapturedEvent {
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
  personless: boolean,
  events: number,
  batchSize: number,
  durable: boolean,
  dir: string,
): ClassFigures {
  const db = openStore(join(dir, personless ? 'anonymous.db' : 'identified.db'), { durable });
  const processor = createBatchProcessor(db, {
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
  db.close();
  return {
    events,
    eventsPerSecond: Math.round(events / seconds),
    eventsPerCpuSecond: Math.round(events / (processCpu / 1e6)),
    cpuMicrosPerEvent: Math.round((cpu / events) * 10) / 10,
    personRowsWrittenPerEvent: Math.round((personRows / events) * 1000) / 1000,
  };
}

export function runReferenceIngestBench(
  options: { events?: number; batchSize?: number; durable?: boolean } = {},
): Promise<ReferenceIngestFigures> {
  const events = options.events ?? 200_000;
  const batchSize = options.batchSize ?? 1000;
  const durable = options.durable ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-bench-'));
  try {
    const anonymous = runClass(true, events, batchSize, durable, dir);
    const identified = runClass(false, events, batchSize, durable, dir);
    const figures: ReferenceIngestFigures = {
      batchSize,
      durable,
      anonymous,
      identified,
      cpuRatio: Math.round((identified.cpuMicrosPerEvent / anonymous.cpuMicrosPerEvent) * 100) / 100,
    };
    process.stdout.write(
      `reference ingestion, one process, ${events} events per class, batches of ${batchSize}, durable=${durable}\n` +
        `  anonymous   ${String(anonymous.eventsPerSecond).padStart(8)} events/s wall  ${String(anonymous.eventsPerCpuSecond).padStart(8)} events/CPU-s` +
        `   ${anonymous.cpuMicrosPerEvent} µs CPU/event (processor's measure)\n` +
        `  identified  ${String(identified.eventsPerSecond).padStart(8)} events/s wall  ${String(identified.eventsPerCpuSecond).padStart(8)} events/CPU-s` +
        `   ${identified.cpuMicrosPerEvent} µs CPU/event (processor's measure)` +
        `   ${identified.personRowsWrittenPerEvent} person rows written/event\n` +
        `  CPU per event, identified ÷ anonymous: ${figures.cpuRatio}\n`,
    );
    return Promise.resolve(figures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [events, batchSize] = process.argv.slice(2).map(Number);
  await runReferenceIngestBench({
    ...(events !== undefined && events > 0 ? { events } : {}),
    ...(batchSize !== undefined && batchSize > 0 ? { batchSize } : {}),
  });
}
