// The identified-cost fault's work: real CPU work (SHA-256 over a small buffer, repeated), not a
// sleep, until this process has spent the asked-for CPU time. CPU time rather than wall time, so
// the cost per event is the same on a loaded machine (it just takes longer there), as a real
// pipeline's work would be.

import { createHash } from 'node:crypto';

const BLOCK = Buffer.alloc(256, 0x5a);

/** Spends at least `micros` µs of this process's CPU time; returns the µs actually spent. */
export function burnCpu(micros: number): number {
  if (micros <= 0) return 0;
  const start = process.cpuUsage();
  let spent = 0;
  let digest: Buffer = BLOCK;
  while (spent < micros) {
    // A batch of hashes between clock reads keeps the getrusage calls out of the measured cost.
    for (let i = 0; i < 16; i++) digest = createHash('sha256').update(BLOCK).update(digest).digest();
    const used = process.cpuUsage(start);
    spent = used.user + used.system;
  }
  return spent;
}
