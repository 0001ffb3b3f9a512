// The load side of a run, on the main thread: one worker thread per planned worker, each given
// its ledger shard (shared memory, so the poller sees acks as they land), progress folded into
// LoadProgress for the live view, and at the end the workers' tallies and histograms merged.

import { debuglog } from 'node:util';
import { Worker } from 'node:worker_threads';
import { IngestbenchError } from '../errors.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import type { BucketCounts } from './bucket-counts.js';
import type { Ledger } from './ledger.js';
import { mergeLoadHistograms, type HistogramKey } from './load-histograms.js';
import { mergeTallies, type ClassCounts, type OutcomeTotals, type TimelinePoint } from './load-tally.js';
import type { LoadPlan } from './plan-load.js';
import type { DoneMessage, MainToWorker, WorkerToMain } from './worker-protocol.js';

export type { ClassCounts } from './load-tally.js';

const debug = debuglog('ingestbench:load');

export interface LoadProgress {
  elapsedMs: number;
  sent: number;
  acknowledged: number;
  rejected: number;
  dropped: number;
  failed: number;
  /** Requests in flight across workers. */
  inFlight: number;
  /** Events sent per second since the previous progress report. */
  currentRate: number;
}

export interface LoadResult {
  /** The plan's start (when event 0 was intended), unix ms. */
  startedAt: number;
  /** When the last worker reported, unix ms. */
  endedAt: number;
  /** The run was aborted: unsent events are counted as dropped. */
  partial: boolean;
  counts: Record<EventClass, ClassCounts>;
  /** By kind ('http_429', 'timeout', 'ECONNREFUSED', …), one per failed HTTP attempt. */
  errors: Record<string, number>;
  /** 429/503 answers that were retried. */
  retries: number;
  /** HTTP attempts (retries included), 2xx answers, and other answers plus network errors. */
  requests: { sent: number; ok: number; failed: number };
  /** Encoded hdr-histogram-js histograms (µs), measured-phase events only, merged over workers. */
  histograms: { ack: Record<HistogramKey, string>; sendDelay: Record<HistogramKey, string> };
  timeline: TimelinePoint[];
}

export interface RunLoadOptions {
  scenario: Scenario;
  plan: LoadPlan;
  /**
   * One shard per planned worker, each at least its worker's capacity (exact observation); null
   * when observation keeps no per-event ledger (counts), which then needs `bucketCounts`.
   */
  ledger: Ledger | null;
  /** Per-bucket counters the workers add to (counts observation). */
  bucketCounts?: BucketCounts | null;
  /**
   * The token is a secret: sent, never logged. `endpoint` overrides the scenario's capture path
   * (benches aim at the reference target's /test/black_hole/).
   */
  target: { captureUrl: string; token: string; endpoint?: string };
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  progressIntervalMs?: number;
}

const WORKER_URL = new URL('./load-worker.js', import.meta.url);

export async function runLoad(options: RunLoadOptions): Promise<LoadResult> {
  const { plan, ledger, signal } = options;
  if (ledger) checkLedger(plan, ledger);
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const totals: (OutcomeTotals & { inFlight: number })[] = plan.workers.map(() => ({
    sent: 0,
    acknowledged: 0,
    rejected: 0,
    dropped: 0,
    failed: 0,
    inFlight: 0,
  }));
  const workers = plan.workers.map(() => new Worker(WORKER_URL));
  const post = (message: MainToWorker): void => workers.forEach((w) => w.postMessage(message));
  let partial = false;
  const onAbort = (): void => {
    partial = true;
    post({ type: 'abort' });
  };

  const outcomes = workers.map((worker, index) =>
    awaitDone(worker, index, (message) => {
      if (message.type === 'progress') totals[index] = { ...message.totals, inFlight: message.inFlight };
      else debug('worker %d started in %d ms', index, Math.round(message.setupMs));
    }),
  );
  workers.forEach((worker, index) =>
    worker.postMessage({
      type: 'start',
      worker: index,
      scenario: options.scenario,
      plan,
      ledger: ledger ? ledger.shard(index).buffers : null,
      bucketCounts: options.bucketCounts?.buffers ?? null,
      target: options.target,
      // Workers report twice per interval so each report the caller sees is at most half stale.
      progressIntervalMs: Math.max(25, progressIntervalMs / 2),
    } satisfies MainToWorker),
  );
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  let lastSent = 0;
  let lastAt = Date.now();
  const progressTimer = options.onProgress
    ? setInterval(() => {
        const now = Date.now();
        const sum = totals.reduce((a, t) => ({
          sent: a.sent + t.sent,
          acknowledged: a.acknowledged + t.acknowledged,
          rejected: a.rejected + t.rejected,
          dropped: a.dropped + t.dropped,
          failed: a.failed + t.failed,
          inFlight: a.inFlight + t.inFlight,
        }));
        const currentRate = now > lastAt ? ((sum.sent - lastSent) * 1000) / (now - lastAt) : 0;
        lastSent = sum.sent;
        lastAt = now;
        options.onProgress?.({ elapsedMs: now - plan.startAtMs, ...sum, currentRate });
      }, progressIntervalMs)
    : null;

  try {
    const settled = await Promise.allSettled(outcomes);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    const done = settled.map((s) => (s as PromiseFulfilledResult<DoneMessage>).value);
    const tally = mergeTallies(done.map((d) => d.tally));
    return {
      startedAt: plan.startAtMs,
      endedAt: Date.now(),
      partial,
      counts: tally.counts,
      errors: tally.errors,
      retries: tally.retries,
      requests: tally.requests,
      histograms: mergeLoadHistograms(done.map((d) => d.histograms)),
      timeline: tally.timeline,
    };
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Resolves with the worker's report; on a worker error, stops the others and rejects. */
  function awaitDone(
    worker: Worker,
    index: number,
    onOther: (message: Exclude<WorkerToMain, { type: 'done' | 'error' }>) => void,
  ): Promise<DoneMessage> {
    return new Promise<DoneMessage>((resolve, reject) => {
      let settled = false;
      const fail = (error: IngestbenchError): void => {
        if (settled) return;
        settled = true;
        post({ type: 'abort' });
        reject(error);
      };
      worker.on('message', (message: WorkerToMain) => {
        if (message.type === 'done') {
          settled = true;
          resolve(message);
        } else if (message.type === 'error')
          fail(new IngestbenchError(message.code ?? 'INTERNAL', `load worker ${index}: ${message.message}`));
        else onOther(message);
      });
      worker.on('error', (error) =>
        fail(
          new IngestbenchError('INTERNAL', `load worker ${index} crashed: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      worker.on('exit', (code) =>
        fail(new IngestbenchError('INTERNAL', `load worker ${index} exited (code ${code}) before reporting`)),
      );
    });
  }
}

function checkLedger(plan: LoadPlan, ledger: Ledger): void {
  if (ledger.shards.length !== plan.workers.length) {
    throw new IngestbenchError(
      'INTERNAL',
      `ledger has ${ledger.shards.length} shards for ${plan.workers.length} workers: allocate it from plan.workers capacities`,
    );
  }
  for (const w of plan.workers) {
    if (ledger.shard(w.worker).capacity < w.capacity) {
      throw new IngestbenchError(
        'INTERNAL',
        `ledger shard ${w.worker} holds fewer than the ${w.capacity} planned events`,
      );
    }
  }
}
