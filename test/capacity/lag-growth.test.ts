import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lagGrowth } from '../../src/capacity/lag-growth.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';

/** One shard of `n` acknowledged events, 10 ms apart from t = 0, seen after `latency(i)` ms (NaN: unseen). */
function ledgerOf(n: number, latency: (i: number) => number): Ledger {
  const ledger = Ledger.allocate([n]);
  const shard = ledger.shard(0);
  for (let i = 0; i < n; i++) {
    shard.setIntended(i, i * 10);
    shard.status[i] = EventStatus.acknowledged;
    shard.flags[i] = LedgerFlag.measured;
    shard.setVisible(i, i * 10 + latency(i));
  }
  return ledger;
}

describe('lagGrowth', () => {
  const window = { startMs: 0, durationMs: 4000, observedUntilMs: 10_000 };

  it('is about 0 for a flat latency and the backlog for a growing one', () => {
    assert.equal(
      lagGrowth(
        ledgerOf(400, () => 300),
        window,
      ),
      0,
    );
    // Latency grows by 0.2 ms per ms: medians at t ≈ 500 and 3500 ms differ by about 600 ms.
    const growth = lagGrowth(
      ledgerOf(400, (i) => 100 + 0.2 * i * 10),
      window,
    )!;
    assert.ok(Math.abs(growth - 600) <= 2, String(growth));
  });

  it('counts unseen events with the time until observation ended', () => {
    const growth = lagGrowth(
      ledgerOf(400, (i) => (i >= 300 ? Number.NaN : 100)),
      window,
    )!;
    // Last quarter: events at 3000..3990 ms, unseen until 10,000 ms: median latency ≈ 6505 ms.
    assert.ok(Math.abs(growth - (10_000 - 3495 - 100)) <= 1, String(growth));
  });

  it('leaves warm-up (unmeasured) events out', () => {
    const ledger = ledgerOf(400, (i) => (i < 100 ? 5000 : 300));
    for (let i = 0; i < 100; i++) ledger.shard(0).flags[i] = 0;
    // The first quarter is all warm-up: nothing to compare with.
    assert.equal(lagGrowth(ledger, window), null);
    assert.equal(lagGrowth(ledger, { ...window, startMs: 1000, durationMs: 3000 }), 0);
  });

  it('says nothing with too few events', () => {
    assert.equal(
      lagGrowth(
        ledgerOf(20, () => 1),
        window,
      ),
      null,
    );
  });
});
