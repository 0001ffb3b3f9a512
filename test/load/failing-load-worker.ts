// A load worker that fails on purpose once it has sent events: the real worker, plus a watch on
// its ledger shard that throws (uncaught, from the worker thread) as soon as one of its events is
// acknowledged. Worker 0 fails; the others run as usual. For the run's worker-failure tests.

import { parentPort } from 'node:worker_threads';
import { EventStatus, LedgerShard } from '../../src/load/ledger.js';
import type { MainToWorker } from '../../src/load/worker-protocol.js';

await import('../../src/load/load-worker.js');

parentPort?.on('message', (message: MainToWorker) => {
  if (message.type !== 'start' || message.worker !== 0 || message.ledger === null) return;
  const shard = new LedgerShard(message.ledger);
  const watch = setInterval(() => {
    if (shard.status.includes(EventStatus.acknowledged)) {
      clearInterval(watch);
      throw new Error('load worker 0 failed on purpose after its first acknowledged event');
    }
  }, 10);
});
