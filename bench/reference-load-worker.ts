// The reference bench's load generator, run in a worker thread so it does not share the event
// loop with the target it measures. Sends /batch/ requests of `batchSize` events over an undici
// Pool: closed-loop (`rate` 0: each connection sends again as soon as it is answered) or open
// (`rate` > 0: batches leave at their intended times whatever the answers do).

import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { encodeEventUuid } from '../src/generate/event-uuid.js';
import type { EventClass } from '../src/scenario/scenario.js';

export interface LoadConfig {
  readonly origin: string;
  readonly token: string;
  readonly connections: number;
  readonly batchSize: number;
  readonly eventClass: EventClass;
  readonly runTag: number;
  readonly runId: string;
  /** Stop after this many events (rounded up to whole batches), or after `durationMs`. */
  readonly totalEvents: number;
  readonly durationMs: number;
  /** Events/s for an open-model run; 0 = as fast as the target answers. */
  readonly rate: number;
  /** Every n-th event is a probe (`ingestbench probe`) that the time-to-queryable poller tracks. */
  readonly probeEvery: number;
  /** Distinct users to draw from (identified runs reuse them, so persons are updated, not only created). */
  readonly users: number;
}

export interface LoadResult {
  readonly events: number;
  readonly acked: number;
  readonly failed: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  /** Late starts of open-model batches, ms past their intended time (max). */
  readonly maxSendDelayMs: number;
}

/** One /batch/ body; `seq0` is the first event's sequence number. */
export function batchBody(config: LoadConfig, seq0: number, unixMs: number): string {
  const iso = new Date(unixMs).toISOString();
  const parts: string[] = [];
  for (let i = 0; i < config.batchSize; i++) {
    const seq = seq0 + i;
    const uuid = encodeEventUuid(config.runTag, 0, seq, unixMs);
    const user = `user-${seq % config.users}`;
    const probe = config.probeEvery > 0 && seq % config.probeEvery === 0;
    const personless = config.eventClass === 'anonymous';
    parts.push(
      `{"event":"${probe ? 'ingestbench probe' : 'page viewed'}","distinct_id":"${user}","uuid":"${uuid}","timestamp":"${iso}",` +
        `"properties":{"$process_person_profile":${!personless},"ingestbench_run":"${config.runId}",` +
        `"ingestbench_class":"${config.eventClass}","ingestbench_seq":${seq},"$current_url":"https://shop.example.com/products/${seq % 500}",` +
        `"$browser":"Firefox","$os":"Linux","$screen_width":1920}` +
        (personless
          ? ''
          : `,"$set":{"plan":"${seq % 3 === 0 ? 'pro' : 'free'}","last_seq":${seq}},"$set_once":{"first_seq":${seq}}`) +
        '}',
    );
  }
  return `{"api_key":"${config.token}","batch":[${parts.join(',')}]}`;
}

async function run(config: LoadConfig): Promise<LoadResult> {
  const pool = new Pool(config.origin, { connections: config.connections, pipelining: 1 });
  const statuses: Record<string, number> = {};
  let seq = 0;
  let acked = 0;
  let failed = 0;
  let maxSendDelayMs = 0;
  const started = performance.now();
  const deadline = started + config.durationMs;
  const more = (): boolean => seq < config.totalEvents && performance.now() < deadline;

  const sendOne = async (unixMs: number): Promise<void> => {
    const seq0 = seq;
    seq += config.batchSize;
    try {
      const response = await pool.request({
        path: '/batch/',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: batchBody(config, seq0, unixMs),
      });
      await response.body.dump();
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      if (response.statusCode === 200) acked += config.batchSize;
      else failed += config.batchSize;
    } catch {
      statuses['error'] = (statuses['error'] ?? 0) + 1;
      failed += config.batchSize;
    }
  };

  if (config.rate <= 0) {
    await Promise.all(
      Array.from({ length: config.connections }, async () => {
        while (more()) await sendOne(Date.now());
      }),
    );
  } else {
    const intervalMs = (1000 * config.batchSize) / config.rate;
    const inFlight = new Set<Promise<void>>();
    for (let k = 0; more(); k++) {
      const intended = started + k * intervalMs;
      const wait = intended - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const late = performance.now() - intended;
      maxSendDelayMs = Math.max(maxSendDelayMs, late);
      // The event's timestamp is its intended time: lateness counts against time-to-queryable.
      const p = sendOne(Date.now() - late).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  const elapsedMs = performance.now() - started;
  await pool.close();
  return { events: seq, acked, failed, statuses, elapsedMs, maxSendDelayMs };
}

if (parentPort !== null && workerData !== null && typeof workerData === 'object' && 'origin' in workerData) {
  const port = parentPort;
  void run(workerData as LoadConfig).then((result) => port.postMessage(result));
}
