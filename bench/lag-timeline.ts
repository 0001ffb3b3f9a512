// The lag-over-time timeline of a long run: ledgerTimeline() walks the exact ledger once for
// counts and once second by second for latencies, reusing two histograms, so the memory it adds
// must not grow with the run's length. This builds it for a 1-minute and a 1-hour ledger at the
// same rate and prints time per event and the heap each left behind, and their ratio.
// `npm run bench -- lag-timeline` (node --expose-gc gives steadier heap figures).

import { EventStatus, Ledger, LedgerFlag } from '../src/load/ledger.js';
import { ledgerTimeline } from '../src/measure/lag-timeline.js';

const RATE = 1000;
const WORKERS = 4;
const T0 = 1_800_000_000_000;

function ledgerOf(seconds: number): Ledger {
  const perWorker = (RATE * seconds) / WORKERS;
  const ledger = Ledger.allocate(Array.from({ length: WORKERS }, () => perWorker));
  ledger.shards.forEach((shard, worker) => {
    for (let seq = 0; seq < perWorker; seq++) {
      const intended = T0 + ((seq * WORKERS + worker) * 1000) / RATE;
      shard.setIntended(seq, intended);
      shard.flags[seq] = (seq % 4 === 0 ? LedgerFlag.identified : 0) | LedgerFlag.measured;
      shard.status[seq] = EventStatus.acknowledged;
      shard.setAck(seq, intended + 20);
      shard.setVisible(seq, intended + 800 + (seq % 500));
    }
  });
  return ledger;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function measure(seconds: number): { msPerMillion: number; heapMb: number; points: number } {
  const ledger = ledgerOf(seconds);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  const timeline = ledgerTimeline(ledger, T0, []);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  gc();
  // What the timeline itself keeps (its points) plus anything the builder leaked.
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  return { msPerMillion: (ms * 1e6) / (RATE * seconds), heapMb, points: timeline.length };
}

export function runLagTimelineBench(): void {
  const minute = measure(60);
  const hour = measure(3600);
  for (const [name, m] of [
    ['1 minute', minute],
    ['1 hour', hour],
  ] as const) {
    process.stdout.write(
      `${name.padEnd(9)} ${m.points} seconds: ${m.msPerMillion.toFixed(0)} ms per million events, heap kept ${m.heapMb.toFixed(1)} MB\n`,
    );
  }
  process.stdout.write(
    `time per event, hour / minute: ${(hour.msPerMillion / minute.msPerMillion).toFixed(2)}×; heap kept per second of run, hour / minute: ${(hour.heapMb / 3600 / Math.max(minute.heapMb / 60, 1e-9)).toFixed(2)}×\n`,
  );
}
