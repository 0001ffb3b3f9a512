// The monitor's load: one event of each class the scenario makes, every 1/rate seconds, forever.
// Open model as in a run: tick i is intended at start + i / rate whatever capture does, requests
// are not awaited by the schedule (a hung capture delays nothing), and at most `maxInFlight` are
// outstanding; a tick that finds them all busy is counted as capture errors, never hidden.
// Events come from the scenario's own generator (its behaviours, users and properties); the
// generator decides each event's class, so a tick draws until it has one of each class (events
// drawn beyond that are not sent; a scenario that makes one class only sends that one).

import { request } from 'undici';
import type { Clock } from '../clock.js';
import { batchBody, encodeBatchBody, type EncodedBody } from '../generate/batch-body.js';
import { EventGenerator } from '../generate/event-generator.js';
import { runTag } from '../generate/event-uuid.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import type { IngestionMetrics } from './ingestion-metrics.js';
import type { MonitorLedger } from './monitor-ledger.js';

/** Sends one encoded /batch/ body; resolves with the HTTP status, rejects when no answer came. */
export type CaptureSend = (body: EncodedBody) => Promise<number>;

/** Draws per tick before giving up on a class the behaviours rarely make. */
const DRAWS_PER_TICK = 64;

export interface MonitorSenderOptions {
  readonly scenario: Scenario;
  readonly runId: string;
  readonly token: string;
  readonly capture: CaptureSend;
  /** Ticks per second (each tick sends one event per class). */
  readonly ratePerClass: number;
  readonly startAtMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly ledger: MonitorLedger;
  readonly metrics: IngestionMetrics;
  readonly maxInFlight: number;
}

export function httpCapture(captureUrl: string, timeoutMs: number): CaptureSend {
  const url = `${captureUrl.replace(/\/+$/, '')}/batch/`;
  // Not aborted by a stop: a request under way is answered (or times out), so its events are
  // judged by the final poll rather than left half-sent.
  return async (encoded) => {
    const res = await request(url, {
      method: 'POST',
      headers: encoded.headers,
      body: encoded.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
    return res.statusCode;
  };
}

/** Runs until the signal aborts; resolves once every request it sent has been answered. */
export async function runMonitorSender(opts: MonitorSenderOptions): Promise<void> {
  const { scenario, clock, signal, ledger, metrics } = opts;
  const generator = new EventGenerator(scenario, {
    runId: opts.runId,
    runTag: runTag(opts.runId),
    worker: 0,
    workers: 1,
    seed: scenario.seed,
  });
  const intervalMs = 1000 / opts.ratePerClass;
  const outstanding = new Set<Promise<void>>();
  let seq = 0;
  for (let tick = 0; !signal.aborted; tick += 1) {
    const intendedMs = opts.startAtMs + tick * intervalMs;
    try {
      await clock.sleep(intendedMs - clock.now(), signal);
    } catch {
      break; // aborted
    }
    const events: { uuid: string; eventClass: EventClass; json: string }[] = [];
    for (let draw = 0; draw < DRAWS_PER_TICK && events.length < 2; draw += 1) {
      const json = generator.next(seq, intendedMs);
      seq += 1;
      const eventClass: EventClass = generator.identified ? 'identified' : 'anonymous';
      if (!events.some((e) => e.eventClass === eventClass))
        events.push({ uuid: uuidOf(json), eventClass, json });
    }
    for (const e of events) {
      ledger.sent(e.uuid, e.eventClass, intendedMs);
      metrics.sent(e.eventClass);
    }
    if (outstanding.size >= opts.maxInFlight) {
      for (const e of events) failed(e);
      continue;
    }
    const body = encodeBatchBody(
      batchBody(
        opts.token,
        events.map((e) => e.json),
      ),
      scenario.compression,
    );
    const sending = opts.capture(body).then(
      (status) => {
        for (const e of events) {
          if (status >= 200 && status < 300) {
            ledger.acknowledged(e.uuid);
            metrics.acknowledged(e.eventClass);
          } else failed(e);
        }
      },
      () => {
        for (const e of events) failed(e);
      },
    );
    outstanding.add(sending);
    void sending.finally(() => outstanding.delete(sending));
  }
  await Promise.all(outstanding);

  function failed(e: { uuid: string; eventClass: EventClass }): void {
    ledger.forget(e.uuid);
    metrics.captureErrors(e.eventClass);
  }
}

/** The uuid the generator wrote first in the event's JSON text. */
function uuidOf(json: string): string {
  return json.slice(9, 45);
}
