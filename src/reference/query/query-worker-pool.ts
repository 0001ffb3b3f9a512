// The query API's executor: a piscina pool of `size` worker threads (query-worker.ts), each
// running one query at a time, queries waiting in arrival order for a free one. A query's signal
// aborts when the maximum execution time is over: piscina drops it if still waiting, and if
// running, terminates its worker and starts a replacement, the only way to stop a synchronous
// parse or SQLite statement, as PostHog cancels the ClickHouse query. A worker that dies fails
// its query (500) and is replaced.

import { debuglog } from 'node:util';
import type { Worker } from 'node:worker_threads';

import { Piscina } from 'piscina';

import { IngestbenchError } from '../../errors.js';
import { HogQLError } from './hogql-error.js';
import type { QueryExecutor } from './query-handler.js';
import type { QueryAnswer, QueryTask, QueryWorkerConfig } from './query-worker-protocol.js';

const debug = debuglog('ingestbench:query');
const WORKER_ENTRY = new URL('./query-worker.js', import.meta.url);

export interface QueryWorkerPool {
  readonly execute: QueryExecutor;
  /** Workers started (replacements included), for tests. */
  started(): number;
  close(): Promise<void>;
}

/** Starts `size` workers and resolves once all of them have loaded the parser and opened the store. */
export async function startQueryWorkerPool(config: QueryWorkerConfig, size = 2): Promise<QueryWorkerPool> {
  const pool = new Piscina<QueryTask, QueryAnswer>({
    filename: WORKER_ENTRY.href,
    workerData: { queryWorker: config },
    minThreads: size,
    maxThreads: size,
    concurrentTasksPerWorker: 1,
    // A worker whose parser broke exits after posting its answer (from a setImmediate), which a
    // worker parked in Atomics.wait between tasks would never reach.
    atomics: 'disabled',
  });
  // Without a listener, an error piscina cannot hand to a task would end the process.
  pool.on('error', (error: unknown) => debug('query worker error: %o', error));

  // Every worker is in `threads` while it lives and is destroyed before it leaves, so looking
  // at each creation and destruction sees every one.
  const seen = new WeakSet<Worker>();
  let started = 0;
  const noteThreads = (): void => {
    for (const thread of pool.threads) {
      if (seen.has(thread)) continue;
      seen.add(thread);
      started += 1;
    }
  };
  noteThreads();
  pool.on('workerCreate', noteThreads);
  pool.on('workerDestroy', () => {
    noteThreads();
    debug('a query worker ended; piscina replaces it while the pool is open');
  });

  try {
    // One task per worker: each is free, so each takes one, and answers once it is ready.
    await Promise.all(Array.from({ length: size }, () => pool.run({ type: 'ready' })));
  } catch (error) {
    await pool.destroy();
    throw new IngestbenchError('INTERNAL', `query worker failed to start: ${(error as Error).message}`, {
      cause: error,
    });
  }

  let closed = false;
  const execute: QueryExecutor = async (text, ctx, signal) => {
    if (closed) throw new Error('the query workers are closed');
    const answer = await pool.run({ type: 'run', text, ctx }, { signal });
    switch (answer.type) {
      case 'result':
        return answer.result;
      case 'refused':
        throw new HogQLError(answer.code, answer.message, answer.position);
      case 'ready':
        throw new Error(`query worker answered a query with '${answer.type}'`);
    }
  };

  return {
    execute,
    started: () => {
      noteThreads();
      return started;
    },
    async close() {
      closed = true;
      await pool.destroy();
    },
  };
}
