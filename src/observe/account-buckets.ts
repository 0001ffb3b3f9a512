// Accounting in counts observation: every planned event's fate per class, from the load side's
// per-bucket counters and the observer's final per-bucket answers, with no per-event ledger.
// The same figures as account-ledger.ts gives in exact observation, and as exact:
//   lost       = acknowledged − visible, per bucket (visible: distinct uuids, never more than acknowledged),
//                when observation ran its course
//   unverified = the same difference when observation ended early (budget, query API, interrupt):
//                those events were not checked to the end, so they are not called lost
//   duplicates = rows − distinct uuids, per bucket

import { BucketField } from '../load/bucket-counts.js';
import type { ClassAccount } from './account-ledger.js';
import type { CountsTracker } from './counts-tracker.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';

/** The same per-class figures as exact mode's ledger account (account-ledger.ts), read-only. */
export type CountsClassAccount = Readonly<ClassAccount>;

/** Rows or distinct uuids of one class over all buckets, as the last answers gave them. */
export function sumOf(tracker: CountsTracker, cls: EventClass, what: 'rows' | 'uuids'): number {
  let n = 0;
  for (let i = 0; i < tracker.counts.buckets; i++)
    n += what === 'rows' ? tracker.rowsOf(cls, i) : tracker.uuidsOf(cls, i);
  return n;
}

/**
 * Per class: the load side's outcomes from the bucket counters, and what observation adds.
 * visible = distinct uuids, less those the drill-down found to be unacknowledged events (failed
 * requests that landed; the drill-down names no class, so they are taken from the class whose
 * failed events the bucket holds), and never more than was acknowledged.
 */
export function accountBuckets(
  tracker: CountsTracker,
  unackedVisible: ReadonlyMap<number, number>,
  complete = true,
): Record<EventClass, CountsClassAccount> {
  const { counts } = tracker;
  const out = {} as Record<EventClass, CountsClassAccount>;
  const extra = { anonymous: 0, identified: 0 };
  const visible = { anonymous: 0, identified: 0 };
  for (let i = 0; i < counts.buckets; i++) {
    let unacked = unackedVisible.get(i) ?? 0;
    for (const cls of EVENT_CLASSES) {
      const acked = counts.get(cls, i, BucketField.acknowledged);
      const uuids = tracker.uuidsOf(cls, i);
      const failedHere = counts.get(cls, i, BucketField.failed) + counts.get(cls, i, BucketField.rejected);
      const known = Math.min(unacked, failedHere, uuids);
      unacked -= known;
      const seen = Math.min(acked, uuids - known);
      visible[cls] += seen;
      extra[cls] += uuids - seen;
    }
  }
  for (const cls of EVENT_CLASSES) {
    const total = (field: number): number => counts.total(cls, field);
    const acknowledged = total(BucketField.acknowledged);
    const rows = sumOf(tracker, cls, 'rows');
    const uuids = sumOf(tracker, cls, 'uuids');
    out[cls] = {
      planned: total(BucketField.planned),
      sent: total(BucketField.acknowledged) + total(BucketField.rejected) + total(BucketField.failed),
      acknowledged,
      rejected: total(BucketField.rejected),
      dropped: total(BucketField.dropped),
      failed: total(BucketField.failed),
      visible: visible[cls],
      lost: complete ? acknowledged - visible[cls] : 0,
      unverified: complete ? 0 : acknowledged - visible[cls],
      duplicates: Math.max(0, rows - uuids),
      visibleUnacknowledged: extra[cls],
      measuredPlanned: total(BucketField.plannedMeasured),
      measuredSent: total(BucketField.sentMeasured),
    };
  }
  return out;
}
