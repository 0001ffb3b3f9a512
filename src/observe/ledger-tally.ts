// The ledger as far as observation goes, for when no query can say it: the run's intended time
// range, and the rows and uuids per class the poller itself saw.

import type { Ledger } from '../load/ledger.js';
import type { EventClass } from '../scenario/scenario.js';
import type { ClassRowCounts } from './account-ledger.js';
import type { TimeRange } from './poll-queries.js';

/** First and last intended time in the ledger (the run's time range when the plan's is not given). */
export function intendedRange(ledger: Ledger): TimeRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq += 1) {
      const t = shard.intendedAt(seq);
      if (Number.isNaN(t)) continue;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  return lo <= hi ? [Math.floor(lo), Math.floor(hi) + 1] : [0, 1];
}

/** Rows and uuids per class as far as the poller saw them (for when the count query fails). */
export function tallyFromLedger(ledger: Ledger): Record<EventClass, ClassRowCounts> {
  const tally = { anonymous: { rows: 0, uuids: 0 }, identified: { rows: 0, uuids: 0 } };
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq += 1) {
      const seen = shard.seen[seq]!;
      if (seen === 0) continue;
      const t = tally[shard.classOf(seq)];
      t.rows += seen;
      t.uuids += 1;
    }
  }
  return tally;
}
