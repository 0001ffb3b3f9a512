// The run's one clock (src/clock.ts) sits on the send path: every batch reads it at send and at
// answer. This compares the cost of one reading with the clock it replaced in the load workers
// (performance.timeOrigin + performance.now()) and with Date.now(), as ratios because this
// machine is shared. `npm run bench -- clock`.

import { captureClockAnchor, epochClock } from '../src/clock.js';

const READS = 5_000_000;
const ROUNDS = 3;

function nsPerRead(read: () => number): number {
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < READS; i++) sink += read();
  const ns = Number(process.hrtime.bigint() - started) / READS;
  if (sink === 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return ns;
}

export function runClockBench(): void {
  const epoch = epochClock(captureClockAnchor());
  const candidates: [string, () => number][] = [
    ['epochClock (hrtime + anchor)', epoch.now],
    ['timeOrigin + performance.now()', () => performance.timeOrigin + performance.now()],
    ['Date.now()', Date.now],
  ];
  // Best of a few rounds: the least disturbed by the other processes on the machine.
  const best = candidates.map(([name, read]) => {
    let min = Infinity;
    for (let r = 0; r < ROUNDS; r++) min = Math.min(min, nsPerRead(read));
    return [name, min] as const;
  });
  for (const [name, ns] of best) process.stdout.write(`${name.padEnd(32)} ${ns.toFixed(1)} ns per read\n`);
  const [, epochNs] = best[0]!;
  const [, oldNs] = best[1]!;
  process.stdout.write(`epochClock / the old worker clock: ${(epochNs / oldNs).toFixed(2)}×\n`);
}
