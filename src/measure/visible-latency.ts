// Visible latency, built from the ledger after the drain: for each acknowledged, measured event
// the poller saw, first-seen − intended send time (so a late send counts against the target, as
// in the open model), in µs histograms like the load side's. A negative value (seen before its
// intended time: clocks disagree) is counted as skew, never recorded. Per-second figures for
// the timeline are lag-timeline.ts's.

import type { Histogram } from 'hdr-histogram-js';
import { latencyHistogram, recordLatency, type HistogramKey } from '../core/latency-histogram.js';
import { CLASS_CODE, EventStatus, type Ledger } from '../load/ledger.js';
import { SkewTally, type SkewFigures } from '../core/skew-tally.js';

export interface VisibleLatency {
  readonly histograms: Record<HistogramKey, Histogram>;
  readonly skew: SkewFigures;
}

export function visibleLatency(ledger: Ledger): VisibleLatency {
  const byClass = [latencyHistogram(), latencyHistogram()] as const;
  const skew = new SkewTally();
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq += 1) {
      const latency = shard.visibleLatencyMs(seq);
      if (Number.isNaN(latency) || shard.status[seq] !== EventStatus.acknowledged) continue;
      if (shard.isMeasured(seq)) recordLatency(byClass[CLASS_CODE[shard.classOf(seq)]]!, skew, latency);
    }
  }
  const all = latencyHistogram();
  all.add(byClass[0]);
  all.add(byClass[1]);
  return { histograms: { all, anonymous: byClass[0], identified: byClass[1] }, skew: skew.figures() };
}
