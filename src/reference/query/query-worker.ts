// A query worker thread: parses HogQL with PostHog's grammar (about 20 ms of CPU per query, and
// seconds for a deeply nested one) and runs it on its own read-only store connection, so neither
// stalls the main thread that answers capture. One query at a time; the pool terminates a worker
// whose query runs past the maximum execution time.

import { parentPort, workerData } from 'node:worker_threads';

import { openStore } from '../store/open-store.js';
import { HogQLError } from './hogql-error.js';
import { createHogQLParser } from './parse-hogql.js';
import type { FromQueryWorker, QueryWorkerConfig, ToQueryWorker } from './query-worker-protocol.js';
import { runHogQL } from './run-hogql.js';
import { StatementCache } from './statement-cache.js';

async function runWorker(port: NonNullable<typeof parentPort>, config: QueryWorkerConfig): Promise<void> {
  const db = openStore(config.storeFile, { readonly: true });
  const statements = new StatementCache(db);
  const parser = await createHogQLParser();
  // The first parse of an instance costs several times a later one (WebAssembly tiering up):
  // pay it here, not in the first query's execution time.
  parser.parseSelect("SELECT uuid, count() FROM events WHERE timestamp >= '2026-01-01' GROUP BY uuid");
  const post = (message: FromQueryWorker): void => port.postMessage(message);
  port.on('message', (message: ToQueryWorker) => {
    const { id } = message;
    try {
      post({ type: 'result', id, result: runHogQL(statements, parser, message.text, message.ctx) });
    } catch (error) {
      if (error instanceof HogQLError) {
        post({
          type: 'refused',
          id,
          code: error.hogqlCode,
          message: error.message,
          position: error.position,
        });
      } else {
        post({ type: 'failed', id, message: (error as Error).message });
      }
    }
    // A trapped WebAssembly instance fails every later parse: end this worker, the pool replaces it.
    if (parser.broken) {
      db.close();
      port.close();
      process.exit(0);
    }
  });
  post({ type: 'ready' });
}

const config = (workerData as { queryWorker?: QueryWorkerConfig } | null)?.queryWorker;
if (parentPort !== null && config !== undefined) {
  const port = parentPort;
  runWorker(port, config).catch((error: unknown) => {
    // Startup failed (store or parser): say so and end; the pool reports it.
    port.postMessage({ type: 'failed', id: -1, message: (error as Error).message } satisfies FromQueryWorker);
    port.close();
  });
}
