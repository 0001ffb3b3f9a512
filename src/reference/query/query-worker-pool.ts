// The query API's executor: a few worker threads (query-worker.ts), each running one query at a
// time, queries waiting in arrival order for a free one. A query whose signal aborts (the maximum
// execution time is over) is dropped if still waiting, and if running, its worker is terminated
// and replaced: the only way to stop a synchronous parse or SQLite statement, as PostHog cancels
// the ClickHouse query. A worker that dies fails its query (500) and is replaced.

import { Worker } from 'node:worker_threads';
import { debuglog } from 'node:util';

import { IngestbenchError } from '../../errors.js';
import { HogQLError } from './hogql-error.js';
import type { QueryExecutor } from './query-handler.js';
import type { FromQueryWorker, QueryWorkerConfig, ToQueryWorker } from './query-worker-protocol.js';
import type { HogQLResult } from './run-hogql.js';

const debug = debuglog('ingestbench:query');
const WORKER_ENTRY = new URL('./query-worker.js', import.meta.url);

export interface QueryWorkerPool {
  readonly execute: QueryExecutor;
  /** Workers started (replacements included), for tests. */
  started(): number;
  close(): Promise<void>;
}

interface Job {
  readonly message: ToQueryWorker;
  readonly signal: AbortSignal;
  resolve(result: HogQLResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
}

/** Starts `size` workers and resolves once all of them have loaded the parser and opened the store. */
export async function startQueryWorkerPool(config: QueryWorkerConfig, size = 2): Promise<QueryWorkerPool> {
  const slots: Slot[] = [];
  const waiting: Job[] = [];
  let nextId = 0;
  let started = 0;
  let closed = false;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (!slot.ready || slot.job !== null) continue;
      const job = waiting.shift();
      if (job === undefined) return;
      slot.job = job;
      slot.worker.postMessage(job.message);
    }
  };

  const spawn = (): { slot: Slot; ready: Promise<void> } => {
    started += 1;
    const worker = new Worker(WORKER_ENTRY, { workerData: { queryWorker: config } });
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null };
    let signalReady: () => void = () => undefined;
    let signalFailed: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      signalReady = resolve;
      signalFailed = reject;
    });
    const finish = (): Job | null => {
      const job = slot.job;
      slot.job = null;
      return job;
    };
    worker.on('message', (message: FromQueryWorker) => {
      switch (message.type) {
        case 'ready':
          slot.ready = true;
          signalReady();
          dispatch();
          return;
        case 'result':
          finish()?.resolve(message.result);
          break;
        case 'refused':
          finish()?.reject(new HogQLError(message.code, message.message, message.position));
          break;
        case 'failed':
          if (message.id === -1) {
            signalFailed(
              new IngestbenchError('INTERNAL', `query worker failed to start: ${message.message}`),
            );
            return;
          }
          finish()?.reject(new Error(message.message));
          break;
      }
      dispatch();
    });
    const replace = (why: string): void => {
      const at = slots.indexOf(slot);
      if (at < 0) return;
      finish()?.reject(new Error(`query worker ${why}`));
      if (closed) {
        slots.splice(at, 1);
        return;
      }
      debug('replacing a query worker (%s)', why);
      const next = spawn();
      slots[at] = next.slot;
      next.ready.catch((error: unknown) => debug('replacement worker failed: %o', error));
    };
    worker.on('error', (error) => replace(`error: ${error.message}`));
    worker.on('exit', (code) => replace(`exited with code ${code}`));
    return { slot, ready };
  };

  const initial = Array.from({ length: size }, () => spawn());
  slots.push(...initial.map((s) => s.slot));
  try {
    await Promise.all(initial.map((s) => s.ready));
  } catch (error) {
    closed = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw error;
  }

  const execute: QueryExecutor = (text, ctx, signal) =>
    new Promise<HogQLResult>((resolve, reject) => {
      if (closed || signal.aborted) {
        reject(new Error(closed ? 'the query workers are closed' : 'query cancelled before it started'));
        return;
      }
      const job: Job = { message: { type: 'run', id: nextId++, text, ctx }, signal, resolve, reject };
      signal.addEventListener(
        'abort',
        () => {
          const queued = waiting.indexOf(job);
          if (queued >= 0) {
            waiting.splice(queued, 1);
            reject(new Error('query cancelled before it started'));
            return;
          }
          const slot = slots.find((s) => s.job === job);
          // Terminating fires 'exit', which rejects the job and starts a replacement.
          if (slot !== undefined) void slot.worker.terminate();
        },
        { once: true },
      );
      waiting.push(job);
      dispatch();
    });

  return {
    execute,
    started: () => started,
    async close() {
      closed = true;
      for (const job of waiting.splice(0)) job.reject(new Error('the query workers are closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
