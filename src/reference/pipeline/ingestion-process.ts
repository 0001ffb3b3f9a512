// Entry of the ingestion child process (forked by ingestion-supervisor.ts from the compiled .js
// beside it), so process.cpuUsage() here is ingestion's own. It waits for a `start` message,
// then loops: ingest a batch, report it, read again at once when the batch was full, otherwise
// wait `lingerMs` for rows to gather. It exits when the parent goes away (IPC disconnect).

import { setTimeout as sleep } from 'node:timers/promises';
import { debuglog } from 'node:util';
import { epochClock } from '../../clock.js';
import { createBatchProcessor } from '../ingest/process-batch.js';
import { consumerOffset } from '../queue/consumer-offset.js';
import { openQueueReader } from '../queue/queue-reader.js';
import { openStore } from '../store/open-store.js';
import { createIngestionStep, type IngestionStep } from './ingestion-loop.js';
import type { ChildMessage, IngestionConfig, ParentMessage } from './ingestion-protocol.js';

const debug = debuglog('ingestbench:ingestion');

let step: IngestionStep | null = null;
let stopping = false;

const send = (message: ChildMessage): void => {
  if (process.connected) process.send?.(message);
};

process.on('disconnect', () => {
  // The parent is gone (stopped or killed): whatever batch is running has committed or not as a
  // whole, so leaving now loses nothing.
  process.exit(0);
});

process.on('message', (raw) => {
  const message = raw as ParentMessage;
  switch (message.type) {
    case 'start':
      if (step === null) start(message.config);
      return;
    case 'faults':
      step?.setFaults(message.faults);
      return;
    case 'stop':
      stopping = true;
      return;
  }
});

function start(config: IngestionConfig): void {
  const store = openStore(config.storeFile, { durable: config.durable });
  const offset = consumerOffset(store);
  const reader = openQueueReader(config.queueFile);
  const teams = new Map(config.projects.map((p) => [p.token, p.teamId]));
  const optedOut = new Set(config.projects.filter((p) => p.personProcessingOptOut).map((p) => p.teamId));
  const projects = {
    teamIdForToken: (token: string) => teams.get(token),
    personProcessingOptOut: (teamId: number) => optedOut.has(teamId),
  };
  const clock = epochClock(config.clockAnchor);
  const processor = createBatchProcessor(store, projects, clock.now);
  step = createIngestionStep(
    {
      reader,
      offset,
      processor,
      projects,
      batchSize: config.batchSize,
      now: clock.now,
      spareFromFaults: config.spareFromFaults,
    },
    config.faults,
  );
  send({ type: 'ready', offset: offset.read(), cpu: process.cpuUsage() });
  void run(step, config.lingerMs).finally(() => {
    reader.close();
    store.close();
    send({ type: 'stopped', cpu: process.cpuUsage() });
    process.disconnect();
  });
}

async function run(ingest: IngestionStep, lingerMs: number): Promise<void> {
  let idle = false;
  while (!stopping) {
    const result = ingest.step();
    if (result !== null) {
      idle = false;
      send({ type: 'batch', report: result.report, cpu: process.cpuUsage() });
      debug('batch of %d events up to row %d', result.report.events, result.report.offset);
      // Even after a full batch, yield one turn so IPC messages (faults, stop) are handled.
      await (result.full ? sleep(0) : sleep(lingerMs));
    } else {
      if (!idle) send({ type: 'idle', cpu: process.cpuUsage() });
      idle = true;
      await sleep(lingerMs);
    }
  }
}
