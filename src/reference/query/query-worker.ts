// A query worker thread, run by piscina (query-worker-pool.ts): parses HogQL with PostHog's grammar
// (about 20 ms of CPU per query, and seconds for a deeply nested one) and runs it on its own
// read-only store connection, so neither stalls the main thread that answers capture. One query
// at a time; piscina terminates the worker whose query's signal aborts.

import { workerData } from 'node:worker_threads';

import { openStore } from '../store/open-store.js';
import { HogQLError } from './hogql-error.js';
import { createHogQLParser, type HogQLParser } from './parse-hogql.js';
import type { QueryAnswer, QueryTask, QueryWorkerConfig } from './query-worker-protocol.js';
import { runHogQL } from './run-hogql.js';
import { StatementCache } from './statement-cache.js';

async function open(config: QueryWorkerConfig): Promise<{ statements: StatementCache; parser: HogQLParser }> {
  const statements = new StatementCache(openStore(config.storeFile, { readonly: true }));
  const parser = await createHogQLParser();
  // The first parse of an instance costs several times a later one (WebAssembly tiering up):
  // pay it here, not in the first query's execution time.
  parser.parseSelect("SELECT uuid, count() FROM events WHERE timestamp >= '2026-01-01' GROUP BY uuid");
  return { statements, parser };
}

const config = (workerData as { queryWorker?: QueryWorkerConfig } | null)?.queryWorker;
const opened = config === undefined ? null : open(config);
// A failure is the answer to every task (the pool's first one reports it); it must not also end
// the thread as an unhandled rejection before a task has asked.
opened?.catch(() => undefined);

export default async function runQueryTask(task: QueryTask): Promise<QueryAnswer> {
  if (opened === null) throw new Error('query worker started without its store (workerData.queryWorker)');
  const { statements, parser } = await opened;
  if (task.type === 'ready') return { type: 'ready' };
  try {
    return { type: 'result', result: runHogQL(statements, parser, task.text, task.ctx) };
  } catch (error) {
    if (!(error instanceof HogQLError)) throw error;
    return { type: 'refused', code: error.hogqlCode, message: error.message, position: error.position };
  } finally {
    // A trapped WebAssembly instance fails every later parse: end this worker once the answer is
    // posted; piscina starts a replacement.
    if (parser.broken) setImmediate(() => process.exit(0));
  }
}
