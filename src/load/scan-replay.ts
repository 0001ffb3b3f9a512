// The validating pass over a recorded events file, before any load: every line is parsed and
// checked (the first bad one is reported as file:line, and nothing is sent), and what the plan
// needs is counted: events per pass and per worker, the recorded time span, and, when the
// duration ends inside a pass, how many events of that last pass each worker still sends. It
// streams like the replay itself and yields to the event loop between chunks, so a large file
// neither fills memory nor deafens the process to SIGINT.

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { debuglog } from 'node:util';
import { IngestbenchError } from '../errors.js';
import { ReplayPass } from '../generate/replay-pass.js';
import { ReplayTiming, replayWorkerOf, type ReplayScan, type ReplaySpec } from './replay-timing.js';

const debug = debuglog('ingestbench:replay');
const YIELD_EVERY_BYTES = 4 << 20;

export interface ScannedReplay {
  readonly scan: ReplayScan;
  readonly timing: ReplayTiming;
  /** Events each worker sends over the whole load. */
  readonly perWorker: readonly number[];
  readonly total: number;
}

export async function scanReplay(
  spec: ReplaySpec,
  workers: number,
  signal?: AbortSignal,
): Promise<ScannedReplay> {
  const perPass = new Array<number>(workers).fill(0);
  let anonymous = 0;
  let firstMs = NaN;
  let lastMs = -Infinity;
  let outOfOrder = 0;
  let events = 0;
  const lines = await eachEvent(spec.file, signal, (event) => {
    events++;
    if (events === 1) firstMs = event.record.timestampMs;
    if (event.record.timestampMs < event.recordedMs) outOfOrder++;
    lastMs = event.recordedMs;
    if (!event.record.identified) anonymous++;
    perPass[replayWorkerOf(event.record.distinctId, workers)]!++;
  });
  const scan: ReplayScan = { lines, events, anonymous, firstMs, lastMs, outOfOrder, perWorker: perPass };
  const timing = new ReplayTiming(spec, scan);
  const whole = timing.wholePasses;
  const partial = new Array<number>(workers).fill(0);
  if (timing.partialPass) {
    // The duration ends inside a pass: count which of its events are still planned.
    await eachEvent(spec.file, signal, (event) => {
      if (timing.inPartialPass(event.index, timing.inPassMs(event.recordedMs)))
        partial[replayWorkerOf(event.record.distinctId, workers)]!++;
    });
  }
  const perWorker = perPass.map((n, w) => whole * n + partial[w]!);
  const total = perWorker.reduce((sum, n) => sum + n, 0);
  debug('%s: %d lines, %d events a pass, %d passes, %d planned', spec.file, lines, events, whole, total);
  return { scan, timing, perWorker, total };
}

/** Calls `visit` for every event of one pass; returns the lines read. */
async function eachEvent(
  file: string,
  signal: AbortSignal | undefined,
  visit: (event: NonNullable<ReturnType<ReplayPass['next']>>) => void,
): Promise<number> {
  const pass = new ReplayPass(file);
  try {
    let yieldAt = YIELD_EVERY_BYTES;
    for (let event = pass.next(); event !== null; event = pass.next()) {
      visit(event);
      if (pass.bytesRead >= yieldAt) {
        yieldAt = pass.bytesRead + YIELD_EVERY_BYTES;
        await yieldToLoop();
        if (signal?.aborted) {
          throw new IngestbenchError(
            'INTERRUPTED',
            'interrupted while checking the replay file: nothing was sent',
          );
        }
      }
    }
    return pass.lines;
  } finally {
    pass.close();
  }
}
