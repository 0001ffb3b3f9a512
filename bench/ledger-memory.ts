// Memory of the exact-mode ledger (`npm run bench -- ledger`): heap and array-buffer bytes, and
// resident bytes, per tracked event of a 5-million-event ledger (two workers' shards).

import { pathToFileURL } from 'node:url';
import { Ledger } from '../src/load/ledger.js';
import { fmt } from './bench-figures.js';

export interface LedgerMemoryFigures {
  readonly events: number;
  readonly bytesPerEvent: number;
  readonly rssBytesPerEvent: number;
}

export function runLedgerMemoryBench(
  options: { out?: NodeJS.WritableStream; events?: number } = {},
): LedgerMemoryFigures {
  const ledger = ledgerMemory(options.events ?? 5_000_000);
  (options.out ?? process.stdout).write(
    `ledger: ${ledger.bytesPerEvent.toFixed(1)} bytes per tracked event (heap + array buffers, ` +
      `${fmt(ledger.events)} events); resident ${ledger.rssBytesPerEvent.toFixed(1)} bytes per event\n`,
  );
  return ledger;
}

/** Memory of a ledger tracking `events` events (two workers' shards), per event. */
function ledgerMemory(events: number): LedgerMemoryFigures {
  const used = (): { total: number; rss: number } => {
    const m = process.memoryUsage();
    return { total: m.heapUsed + m.arrayBuffers, rss: m.rss };
  };
  const before = used();
  const ledger = Ledger.allocate([events / 2, events / 2]);
  const after = used();
  const tracked = ledger.capacity;
  return {
    events: tracked,
    bytesPerEvent: (after.total - before.total) / tracked,
    rssBytesPerEvent: (after.rss - before.rss) / tracked,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLedgerMemoryBench();
}
