// Child process of replay-memory.test.ts, started with a small heap: the validating pass and a
// worker's source over the whole file, as a replay runs them; prints what it sent and the most
// heap it used. Were the file held whole anywhere, the heap limit would end the process.

import { ReplaySource } from '../../src/load/replay-source.js';
import { scanReplay } from '../../src/load/scan-replay.js';

const file = process.argv[2]!;
let peak = 0;
const sample = (): void => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
};
const scanned = await scanReplay({ file, pace: { kind: 'rate', rate: 1_000_000 } }, 1);
sample();
const source = new ReplaySource({
  timing: scanned.timing,
  worker: 0,
  workers: 1,
  count: scanned.perWorker[0]!,
  runId: 'memory',
  runTag: 1,
});
let bytes = 0;
let cursor = 0;
while (cursor < source.count) {
  const end = source.batchEnd(cursor, 100);
  for (let n = cursor; n < end; n++) bytes += source.next(n, source.intendedAt(0, n)).length;
  cursor = end;
  if (cursor % 10_000 < 100) sample();
}
source.close();
sample();
process.stdout.write(`${JSON.stringify({ events: cursor, bytes, peakHeapBytes: peak })}\n`);
