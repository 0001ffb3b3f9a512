// The load side of a run, on the main thread: one worker thread per planned worker, each given
// its ledger shard (shared memory, so the poller sees acks as they land), progress folded into
// LoadProgress for the live view, and at the end the workers' tallies and histograms merged.

import { debuglog } from 'node:util';
import { Worker } from 'node:worker_threads';
import { systemClock, type EpochClock } from '../clock.js';
import { IngestbenchError } from '../errors.js';
import type { WorkloadTally } from '../generate/event-generator.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import type { BucketCounts } from './bucket-counts.js';
import type { Ledger } from './ledger.js';
import { mergeLoadHistograms, type EncodedLoadHistograms } from '../core/latency-histogram.js';
import { workloadFigures, type WorkloadFigures } from './workload-skew.js';
import { mergeTallies, type ClassCounts, type OutcomeTotals, type TimelinePoint } from './load-tally.js';
import type { LoadPlan } from './plan-load.js';
import type { ReplayScan, ReplaySpec } from './replay-timing.js';
import type { DoneMessage, MainToWorker, ProgressMessage, WorkerToMain } from './worker-protocol.js';

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
  /** Per-class counts so far, and failed HTTP attempts by kind so far. */
  classes: Record<EventClass, ClassCounts>;
  errors: Record<string, number>;
  /** The worst send delay (ms) of a batch sent since the previous progress report; null when none. */
  sendDelayMaxMs: number | null;
}

export interface LoadResult {
  /** The plan's start (when event 0 was intended), unix ms. */
  startedAt: number;
  /** When the last worker reported, unix ms. */
  endedAt: number;
  /** The run was aborted or a worker failed: unsent events are counted as dropped. */
  partial: boolean;
  /**
   * A load worker that failed (threw, crashed, exited): the others were stopped and their results
   * kept; the failed worker's tally and histograms are missing (its ledger slots stay). null when
   * every worker finished.
   */
  failure: string | null;
  counts: Record<EventClass, ClassCounts>;
  /** By kind ('http_429', 'timeout', 'ECONNREFUSED', …), one per failed HTTP attempt. */
  errors: Record<string, number>;
  /** 429/503 answers that were retried. */
  retries: number;
  /** HTTP attempts (retries included), 2xx answers, and other answers plus network errors. */
  requests: { sent: number; ok: number; failed: number };
  /**
   * Encoded hdr-histogram-js histograms (µs), measured-phase events only, merged over workers,
   * and the negative values kept out of them (clock skew).
   */
  histograms: EncodedLoadHistograms;
  timeline: TimelinePoint[];
  /**
   * When the slowest worker was ready (module load, generator and sender set up), on the run's
   * clock; NaN when none reported. After `startedAt`, the first sends were late: a later load in
   * this process should plan its start beyond it.
   */
  workersReadyAt: number;
  /** How skewed the generated workload was (top 1 % of users) and its sessions; null when no worker reported. */
  workload?: WorkloadFigures | null;
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
  /** Replay this recorded file (plan-replay.ts made the plan) instead of generating events. */
  replay?: { readonly spec: ReplaySpec; readonly scan: ReplayScan } | null;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  progressIntervalMs?: number;
  /** The run's clock; its anchor goes to every worker (default: this process's systemClock). */
  clock?: EpochClock;
  /** The worker script (tests substitute one that fails on purpose). */
  workerUrl?: URL;
}

const WORKER_URL = new URL('./load-worker.js', import.meta.url);

export async function runLoad(options: RunLoadOptions): Promise<LoadResult> {
  const { plan, ledger, signal } = options;
  const clock = options.clock ?? systemClock;
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
  // The latest per-class counts and errors of each worker; the worst send delay since the last report.
  const latest: (Pick<ProgressMessage, 'classes' | 'errors'> | null)[] = plan.workers.map(() => null);
  let sendDelayMaxMs: number | null = null;
  let workersReadyAt = Number.NaN;
  const workers = plan.workers.map(() => new Worker(options.workerUrl ?? WORKER_URL));
  const post = (message: MainToWorker): void => workers.forEach((w) => w.postMessage(message));
  let partial = false;
  const onAbort = (): void => {
    partial = true;
    post({ type: 'abort' });
  };

  const outcomes = workers.map((worker, index) =>
    awaitDone(worker, index, (message) => {
      if (message.type === 'progress') {
        totals[index] = { ...message.totals, inFlight: message.inFlight };
        latest[index] = message;
        if (message.sendDelayMaxMs !== null)
          sendDelayMaxMs = Math.max(sendDelayMaxMs ?? -Infinity, message.sendDelayMaxMs);
      } else {
        // The last worker to report is the slowest.
        workersReadyAt = clock.now();
        debug('worker %d started in %d ms', index, Math.round(message.setupMs));
      }
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
      replay: options.replay ?? null,
      clockAnchor: clock.anchor,
    } satisfies MainToWorker),
  );
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  let lastSent = 0;
  let lastAt = clock.now();
  const progressTimer = options.onProgress
    ? setInterval(() => {
        const now = clock.now();
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
        const parts = latest.filter((m) => m !== null);
        const merged = mergeTallies(
          parts.map((m) => ({
            counts: m.classes,
            errors: m.errors,
            retries: 0,
            requests: { sent: 0, ok: 0, failed: 0 },
            timeline: [],
          })),
        );
        const worstDelay = sendDelayMaxMs;
        sendDelayMaxMs = null;
        options.onProgress?.({
          elapsedMs: now - plan.startAtMs,
          ...sum,
          currentRate,
          classes: merged.counts,
          errors: merged.errors,
          sendDelayMaxMs: worstDelay,
        });
      }, progressIntervalMs)
    : null;

  try {
    // A failed worker stops the others (awaitDone posts abort), which then report what they did:
    // the run ends within seconds with every measurement the survivors hold.
    const settled = await Promise.allSettled(outcomes);
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    const done = settled
      .filter((s): s is PromiseFulfilledResult<DoneMessage> => s.status === 'fulfilled')
      .map((s) => s.value);
    // A configuration problem a worker found (its code says so) is the user's to fix: no report.
    const misconfigured = failures.find(
      (f) => f.reason instanceof IngestbenchError && f.reason.code !== 'INTERNAL',
    );
    if (misconfigured) throw misconfigured.reason;
    const failure = failures.length > 0 ? messageOf(failures[0]!.reason) : null;
    if (failures.length > 0) debug('load ended early: %o', failures[0]!.reason);
    const tally = mergeTallies(done.map((d) => d.tally));
    return {
      startedAt: plan.startAtMs,
      endedAt: clock.now(),
      partial: partial || failure !== null,
      failure,
      counts: tally.counts,
      errors: tally.errors,
      retries: tally.retries,
      requests: tally.requests,
      histograms: mergeLoadHistograms(done.map((d) => d.histograms)),
      timeline: tally.timeline,
      workersReadyAt,
      workload: workloadOf(
        options.scenario,
        done.map((d) => d.workload),
      ),
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

/** The workload figures of the workers' tallies; null when none reported one (a replay). */
function workloadOf(scenario: Scenario, tallies: readonly (WorkloadTally | null)[]): WorkloadFigures | null {
  const reported = tallies.filter((t): t is WorkloadTally => t !== null);
  return reported.length > 0 && reported.length === tallies.length
    ? workloadFigures(scenario, reported)
    : null;
}
