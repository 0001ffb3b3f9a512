// Accounting: every planned event's fate, per class, read from the ledger after the drain. The
// ledger is the one source for these numbers (the load side's counters are per request and may
// be cut short by an abort; the ledger has a slot per event). Nothing is extrapolated:
//   lost       = acknowledged events checked and not seen: acknowledged − visible, when
//                observation ran its course (drained, or polled until the drain deadline)
//   unverified = acknowledged events observation could not check: acknowledged − visible, when
//                it ended early (query budget exhausted, query API unreachable or refusing, run
//                interrupted). Never counted as lost: the target may well hold them.
//   duplicates = rows − distinct uuids (from the exact count query at the end of observation)

import { EventStatus, type Ledger } from '../load/ledger.js';
import { zeroCounts, type ClassCounts } from '../load/load-tally.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';

/** Rows the query API holds for one class of the run, and their distinct uuids. */
export interface ClassRowCounts {
  readonly rows: number;
  readonly uuids: number;
}

/** The load side's per-class counts (same fields), plus what observation adds. */
export interface ClassAccount extends ClassCounts {
  /** Acknowledged events the poller saw. */
  visible: number;
  lost: number;
  /** Acknowledged, not seen, and not checked: observation ended before it could say (see above). */
  unverified: number;
  duplicates: number;
  /** Seen although capture never acknowledged them (failed or timed-out requests that landed). */
  visibleUnacknowledged: number;
  /** Of the planned events, those in measured phases (not warmup), and how many of them were sent. */
  measuredPlanned: number;
  measuredSent: number;
}

export type LedgerAccount = Record<EventClass, ClassAccount> & { readonly total: ClassAccount };

const zero = (): ClassAccount => ({
  ...zeroCounts(),
  visible: 0,
  lost: 0,
  unverified: 0,
  duplicates: 0,
  visibleUnacknowledged: 0,
  measuredPlanned: 0,
  measuredSent: 0,
});

/**
 * `rows` are the per-class row counts of the observation (exact query, or the poller's tally);
 * `complete` whether observation ran its course (ObservationResult.complete): when it did not,
 * acknowledged events not seen are unverified instead of lost.
 */
export function accountLedger(
  ledger: Ledger,
  rows: Readonly<Record<EventClass, ClassRowCounts>>,
  complete = true,
): LedgerAccount {
  const byClass: Record<EventClass, ClassAccount> = { anonymous: zero(), identified: zero() };
  for (const shard of ledger.shards) {
    for (let seq = 0; seq < shard.capacity; seq += 1) {
      const status = shard.status[seq]!;
      // A slot the load side never wrote (capacity beyond the plan) is not an event.
      if (status === EventStatus.planned && Number.isNaN(shard.intendedAt(seq))) continue;
      const a = byClass[shard.classOf(seq)];
      const measured = shard.isMeasured(seq);
      const seen = shard.isVisible(seq);
      a.planned += 1;
      if (measured) a.measuredPlanned += 1;
      if (status !== EventStatus.planned && status !== EventStatus.dropped) {
        a.sent += 1;
        if (measured) a.measuredSent += 1;
      }
      switch (status) {
        case EventStatus.acknowledged:
          a.acknowledged += 1;
          if (seen) a.visible += 1;
          break;
        case EventStatus.rejected:
          a.rejected += 1;
          break;
        case EventStatus.dropped:
          a.dropped += 1;
          break;
        case EventStatus.failed:
          a.failed += 1;
          break;
        default:
          break;
      }
      if (seen && status !== EventStatus.acknowledged) a.visibleUnacknowledged += 1;
    }
  }
  const total = zero();
  for (const cls of EVENT_CLASSES) {
    const a = byClass[cls];
    if (complete) a.lost = a.acknowledged - a.visible;
    else a.unverified = a.acknowledged - a.visible;
    a.duplicates = Math.max(0, rows[cls].rows - rows[cls].uuids);
    for (const key of Object.keys(total) as (keyof ClassAccount)[]) total[key] += a[key];
  }
  return { ...byClass, total };
}
