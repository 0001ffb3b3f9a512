// Visible latency, built from the ledger after the drain: for each acknowledged, measured event
// the poller saw, first-seen − intended send time (so a late send counts against the target, as
// in the open model), in µs histograms like the load side's. Plus visible events per second of
// the run, for the timeline beside sent and acknowledged.

import type { Histogram } from 'hdr-histogram-js';
import { latencyHistogram, toMicros, type HistogramKey } from './latency-histogram.js';
import { CLASS_CODE, EventStatus, type Ledger } from '../load/ledger.js';

export interface VisibleLatency {
  readonly histograms: Record<HistogramKey, Histogram>;
  /** Acknowledged events first seen in each whole second since `originMs` (index = second). */
  readonly perSecond: number[];
}

export function visibleLatency(ledger: Ledger, originMs: number): VisibleLatency {
  const byClass = [latencyHistogram(), latencyHistogram()] as const;
  const perSecond: number[] = [];
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq += 1) {
      const visible = shard.visible[seq]!;
      if (Number.isNaN(visible) || shard.status[seq] !== EventStatus.acknowledged) continue;
      const second = Math.max(0, Math.floor((visible - originMs) / 1000));
      while (perSecond.length <= second) perSecond.push(0);
      perSecond[second]! += 1;
      // toMicros clamps to ≥ 1 µs: a row can be seen before the batch's ack was written, never before its intended time.
      if (shard.isMeasured(seq))
        byClass[CLASS_CODE[shard.classOf(seq)]]!.recordValue(toMicros(visible - shard.intended[seq]!));
    }
  }
  const all = latencyHistogram();
  all.add(byClass[0]);
  all.add(byClass[1]);
  return { histograms: { all, anonymous: byClass[0], identified: byClass[1] }, perSecond };
}
