// Entry of a load worker thread: receives its start message, builds its generator and sender,
// runs the send loop and answers with its tally and encoded histograms. Thin on purpose: all
// decisions live in the modules it wires together.

import { debuglog } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { epochClock } from '../clock.js';
import { IngestbenchError } from '../errors.js';
import { EventGenerator } from '../generate/event-generator.js';
import { hashSeed, Prng } from '../generate/prng.js';
import { BatchSender } from './batch-sender.js';
import { BucketCounts, BucketCountsWriter } from './bucket-counts.js';
import { GeneratedSource, type EventSource } from './event-source.js';
import { LedgerShard } from './ledger.js';
import { LoadHistograms } from '../core/latency-histogram.js';
import { LoadTally } from './load-tally.js';
import { ReplaySource } from './replay-source.js';
import { ReplayTiming } from './replay-timing.js';
import { topCountsNeeded } from './workload-skew.js';
import { Schedule } from './schedule.js';
import { runSendLoop } from './send-loop.js';
import { laneCount, laneOf } from './shard-spec.js';
import type { MainToWorker, StartMessage, WorkerToMain } from './worker-protocol.js';

const debug = debuglog('ingestbench:load');
const port = parentPort;
if (!port) throw new Error('load-worker.js runs as a worker thread started by runLoad');

const controller = new AbortController();
const post = (message: WorkerToMain): void => port.postMessage(message);

port.on('message', (message: MainToWorker) => {
  if (message.type === 'abort') controller.abort();
  else void run(message);
});

async function run(start: StartMessage): Promise<void> {
  const { scenario, plan, worker } = start;
  try {
    const workerPlan = plan.workers[worker];
    if (!workerPlan) throw new IngestbenchError('INTERNAL', `plan has no worker ${worker}`);
    // The main thread's time base, not this thread's own: see clock.ts.
    const clock = epochClock(start.clockAnchor);
    const setupStart = clock.now();
    // The generator and schedule work on the worker's lane (= worker unless sharded, shard-spec.ts).
    const lane = laneOf(plan.shard, worker);
    const lanes = laneCount(plan.shard, plan.workers.length);
    let generator: EventGenerator | null = null;
    let source: EventSource;
    if (start.replay) {
      source = new ReplaySource({
        timing: new ReplayTiming(start.replay.spec, start.replay.scan),
        worker,
        workers: plan.workers.length,
        count: workerPlan.capacity,
        runId: plan.runId,
        runTag: plan.runTag,
      });
    } else {
      const schedule = new Schedule(scenario.phases, lane, lanes);
      generator = new EventGenerator(scenario, {
        runId: plan.runId,
        runTag: plan.runTag,
        worker: lane,
        workers: lanes,
        seed: workerPlan.seed,
        startAtMs: plan.startAtMs,
        // Sessions run on the planned times, the same in timed and full-speed runs.
        offsetMs: (n) => schedule.offsetMs(n),
      });
      source = new GeneratedSource(schedule, generator);
    }
    const shard = start.ledger ? new LedgerShard(start.ledger) : null;
    const buckets = start.bucketCounts
      ? new BucketCountsWriter(new BucketCounts(start.bucketCounts), worker)
      : null;
    if (shard && shard.capacity < source.count) {
      throw new IngestbenchError(
        'INTERNAL',
        `ledger shard ${worker} holds ${shard.capacity} < ${source.count}`,
      );
    }
    const tally = new LoadTally(plan.startAtMs);
    const histograms = new LoadHistograms();
    const sender = new BatchSender(
      {
        captureUrl: start.target.captureUrl,
        endpoint: start.target.endpoint ?? scenario.endpoint,
        maxInFlight: scenario.maxInFlight,
        requestTimeoutMs: scenario.requestTimeoutMs,
        maxRetries: scenario.maxRetries,
        clock,
        signal: controller.signal,
        random: new Prng(hashSeed(workerPlan.seed, 0x7e7)),
      },
      shard,
      tally,
      histograms,
      buckets,
    );
    const setupMs = clock.now() - setupStart;
    debug('worker %d ready in %d ms: %d events', worker, Math.round(setupMs), source.count);
    const late = clock.now() - plan.startAtMs;
    // Not an error (the open model counts every late send), but its cause is worth naming.
    if (late > 0)
      debug('worker %d ready %d ms after the planned start: plan a later start', worker, Math.round(late));
    post({ type: 'started', worker, setupMs });
    const progress = setInterval(
      () =>
        post({
          type: 'progress',
          worker,
          totals: tally.totals(),
          classes: tally.classCounts(),
          errors: tally.errorCounts(),
          sendDelayMaxMs: tally.takeSendDelayMax(),
          inFlight: sender.inFlight,
        }),
      start.progressIntervalMs,
    );
    try {
      await runSendLoop({
        startAtMs: plan.startAtMs,
        fullSpeed: plan.fullSpeed,
        source,
        batchSize: scenario.batchSize,
        token: start.target.token,
        compression: scenario.compression,
        shard,
        buckets,
        sender,
        tally,
        clock,
        signal: controller.signal,
      });
      await sender.close();
    } finally {
      clearInterval(progress);
      source.close();
    }
    post({
      type: 'done',
      worker,
      tally: tally.snapshot(),
      histograms: histograms.encode(),
      // A replay's users are the file's: no generated workload to describe.
      workload: generator?.workloadTally(topCountsNeeded(scenario.population.size)) ?? null,
    });
  } catch (error) {
    const code = error instanceof IngestbenchError ? error.code : null;
    // A configuration error's message is for the user; anything else is a bug: keep its stack.
    const message =
      error instanceof IngestbenchError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    post({ type: 'error', worker, code, message });
  }
}
