import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import { accountLedger } from '../../src/observe/account-ledger.js';
import { visibleLatency } from '../../src/measure/visible-latency.js';

const T0 = 1_800_000_000_000;

/** Fill slot `seq` of `worker`: status, identified?, measured?, visible after `visibleAfter` ms (or never). */
function put(
  ledger: Ledger,
  worker: number,
  seq: number,
  status: number,
  identified: boolean,
  measured: boolean,
  visibleAfter: number | null,
): void {
  const s = ledger.shard(worker);
  s.setIntended(seq, T0 + seq * 10);
  s.status[seq] = status;
  s.flags[seq] = (identified ? LedgerFlag.identified : 0) | (measured ? LedgerFlag.measured : 0);
  if (status === EventStatus.acknowledged) s.setAck(seq, s.intendedAt(seq) + 3);
  if (visibleAfter !== null) s.setVisible(seq, s.intendedAt(seq) + visibleAfter);
}

function sampleLedger(): Ledger {
  const ledger = Ledger.allocate([8, 6]); // worker 1 has 2 slots the load side never wrote
  const { acknowledged: A, rejected: R, dropped: D, failed: F, sent: S } = EventStatus;
  put(ledger, 0, 0, A, false, true, 1500); // anonymous, visible after 1.5 s
  put(ledger, 0, 1, A, false, true, 2500);
  put(ledger, 0, 2, A, false, true, null); // lost
  put(ledger, 0, 3, R, false, true, null);
  put(ledger, 0, 4, D, false, false, null);
  put(ledger, 0, 5, F, false, true, 900); // failed, yet it landed
  put(ledger, 0, 6, A, true, false, 700); // identified warmup: visible, not measured
  put(ledger, 0, 7, A, true, true, 3200);
  put(ledger, 1, 0, A, true, true, 4100);
  put(ledger, 1, 1, A, true, true, null); // lost
  put(ledger, 1, 2, S, true, true, null); // still in flight
  put(ledger, 1, 3, D, true, true, null);
  return ledger;
}

describe('accountLedger', () => {
  it("counts every event's fate per class; lost = acked − visible; duplicates from the row counts", () => {
    const account = accountLedger(sampleLedger(), {
      anonymous: { rows: 5, uuids: 3 },
      identified: { rows: 3, uuids: 3 },
    });
    assert.deepEqual(account.anonymous, {
      planned: 6,
      sent: 5,
      acknowledged: 3,
      rejected: 1,
      dropped: 1,
      failed: 1,
      visible: 2,
      lost: 1,
      unverified: 0,
      duplicates: 2,
      visibleUnacknowledged: 1,
      measuredPlanned: 5,
      measuredSent: 5,
    });
    assert.deepEqual(account.identified, {
      planned: 6,
      sent: 5,
      acknowledged: 4,
      rejected: 0,
      dropped: 1,
      failed: 0,
      visible: 3,
      lost: 1,
      unverified: 0,
      duplicates: 0,
      visibleUnacknowledged: 0,
      measuredPlanned: 5,
      measuredSent: 4,
    });
    assert.equal(account.total.planned, 12);
    assert.equal(account.total.lost, 2);
    assert.equal(account.total.duplicates, 2);
  });

  it('counts unseen acknowledged events as unverified, not lost, when observation ended early', () => {
    const rows = { anonymous: { rows: 5, uuids: 3 }, identified: { rows: 3, uuids: 3 } };
    const account = accountLedger(sampleLedger(), rows, false);
    assert.equal(account.anonymous.lost, 0);
    assert.equal(account.anonymous.unverified, 1);
    assert.equal(account.identified.unverified, 1);
    assert.equal(account.total.unverified, 2);
    assert.equal(account.total.lost, 0);
    assert.equal(account.total.visible, 5, 'what was seen stays visible');
    assert.equal(account.total.duplicates, 2);
  });
});

describe('visibleLatency', () => {
  it('records first-seen − intended for acknowledged, measured events only', () => {
    const { histograms, skew } = visibleLatency(sampleLedger());
    assert.equal(histograms.anonymous.totalCount, 2); // 1.5 s and 2.5 s; the failed one is not acked
    assert.equal(histograms.identified.totalCount, 2); // 3.2 s and 4.1 s; warmup left out
    assert.equal(histograms.all.totalCount, 4);
    assert.ok(Math.abs(histograms.all.maxValue - 4_100_000) <= 4100);
    assert.ok(Math.abs(histograms.anonymous.minNonZeroValue - 1_500_000) <= 1500);
    assert.deepEqual(skew, { count: 0, worstMs: null });
  });
});
