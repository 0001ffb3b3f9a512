// Is the lag growing across a step? The median visible latency of the events intended in the
// step's last quarter minus that of its first quarter. A target keeping up shows about 0 (its
// latency is flat); a target at 1.2× its capacity falls behind by 0.2 s every second, so the
// figure grows with the step. Acknowledged events still unseen when observation ended count with
// (end − intended), a lower bound on their latency: a backlog that never cleared is not left out.

import { EventStatus, type Ledger } from '../load/ledger.js';

export function lagGrowth(
  ledger: Ledger,
  window: { readonly startMs: number; readonly durationMs: number; readonly observedUntilMs: number },
): number | null {
  const quarter = window.durationMs / 4;
  const early: number[] = [];
  const late: number[] = [];
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq++) {
      if (shard.status[seq] !== EventStatus.acknowledged || !shard.isMeasured(seq)) continue;
      const intended = shard.intendedAt(seq);
      const offset = intended - window.startMs;
      const bucket = offset < quarter ? early : offset >= window.durationMs - quarter ? late : null;
      if (bucket === null) continue;
      const visible = shard.visibleAt(seq);
      bucket.push((Number.isNaN(visible) ? window.observedUntilMs : visible) - intended);
    }
  }
  // A handful of events says nothing about a trend.
  if (early.length < 10 || late.length < 10) return null;
  return median(late) - median(early);
}

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
