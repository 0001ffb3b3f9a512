import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lagGrowth, timelineSpanGrowth, trendLagGrowth } from '../../src/capacity/lag-growth.js';
import type { TimelineSecond } from '../../src/measure/lag-timeline.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';

/** One shard of `n` acknowledged events, `gapMs` apart from t = 0, seen at `visibleAt(i, intended)` (NaN: unseen). */
function ledgerOf(n: number, visibleAt: (i: number, intended: number) => number, gapMs = 10): Ledger {
  const ledger = Ledger.allocate([n]);
  const shard = ledger.shard(0);
  for (let i = 0; i < n; i++) {
    shard.setIntended(i, i * gapMs);
    shard.status[i] = EventStatus.acknowledged;
    shard.flags[i] = LedgerFlag.measured;
    shard.setVisible(i, visibleAt(i, i * gapMs));
  }
  return ledger;
}

/** A FIFO server that processes one event per `serviceMs`, then the event is seen at the next poll. */
function fifo(serviceMs: number, latencyMs: number, pollMs: number) {
  let free = 0;
  return (_i: number, intended: number): number => {
    free = Math.max(free, intended) + serviceMs;
    return Math.ceil((free + latencyMs) / pollMs) * pollMs;
  };
}

describe('lagGrowth', () => {
  const window = { startMs: 0, durationMs: 4000, observedUntilMs: 10_000 };

  it('is 0 for a flat latency and the lag added across the step for a growing one', () => {
    assert.equal(
      lagGrowth(
        ledgerOf(400, (_i, t) => t + 300),
        window,
      ),
      0,
    );
    // Latency grows by 0.2 ms per ms: 800 ms across 4 s.
    const growth = lagGrowth(
      ledgerOf(400, (_i, t) => t + 100 + 0.2 * t),
      window,
    )!;
    assert.ok(Math.abs(growth - 800) <= 1, String(growth));
  });

  it('shows a FIFO target offered 1.2× its capacity as 0.2 × the step, through 250 ms polls', () => {
    // 100 events/s offered (10 ms apart), processed one per 12 ms: 1.2× over.
    const over = lagGrowth(ledgerOf(400, fifo(12, 300, 250)), window)!;
    assert.ok(Math.abs(over - 0.2 * 4000) <= 100, String(over));
    // Processed one per 9 ms: keeping up. The span of visible times is quantised to the poll, so
    // the figure stays within a poll (the judge allows two).
    const keepingUp = lagGrowth(ledgerOf(400, fifo(9, 300, 250)), window)!;
    assert.ok(Math.abs(keepingUp) < 250, String(keepingUp));
  });

  it('sees a backlog a target commits in large batches, where latencies within a batch fall', () => {
    // 100 events/s offered, processed at 50/s and made visible once a second: each batch's events
    // all appear at its commit, so latency against intended time is a sawtooth (no clear trend),
    // but the events take twice as long to become visible as they took to be sent.
    let processed = 0;
    const batched = (_i: number, intended: number): number => {
      processed = Math.max(processed, intended) + 20;
      return Math.ceil(processed / 1000) * 1000;
    };
    const growth = lagGrowth(ledgerOf(400, batched), window)!;
    assert.ok(growth > 0.6 * 4000, String(growth));
    // Visible in batches of 1 s while keeping up: the span is the sending's.
    const keepingUp = lagGrowth(
      ledgerOf(400, (_i, t) => Math.ceil((t + 300) / 1000) * 1000),
      window,
    )!;
    assert.ok(Math.abs(keepingUp) < 1000, String(keepingUp));
  });

  it('counts a few unseen events with the time until observation ended, and many by the seen ones', () => {
    // The last 1 % never seen: their latency is at least 10,000 − intended, and four such events
    // lift a flat trend (0 when they are seen at 100 ms) by a third of a second.
    const tail = lagGrowth(
      ledgerOf(400, (i, t) => (i >= 396 ? Number.NaN : t + 100)),
      window,
    )!;
    assert.ok(tail > 300, String(tail));
    // A FIFO backlog of which the last half was never seen: the lower bounds fall with intended
    // time; the seen half's lag still rises, and that is the figure.
    const serve = fifo(20, 300, 250);
    const backlog = lagGrowth(
      ledgerOf(400, (i, t) => {
        const visible = serve(i, t);
        return i >= 200 ? Number.NaN : visible;
      }),
      window,
    )!;
    assert.ok(backlog > 0.5 * 4000, String(backlog));
  });

  it('leaves warm-up (unmeasured) events and events outside the window out', () => {
    const ledger = ledgerOf(400, (i, t) => t + (i < 100 ? 5000 : 300));
    for (let i = 0; i < 100; i++) ledger.shard(0).flags[i] = 0;
    assert.equal(lagGrowth(ledger, window), 0);
    assert.equal(
      lagGrowth(
        ledgerOf(400, (i, t) => t + (i < 100 ? 5000 : 300)),
        { ...window, startMs: 1000, durationMs: 3000 },
      ),
      0,
    );
  });

  it('says nothing with too few events', () => {
    assert.equal(
      lagGrowth(
        ledgerOf(19, (_i, t) => t + 1),
        window,
      ),
      null,
    );
  });
});

describe('trendLagGrowth', () => {
  it('is the per-second p50 slope times the step, from three seconds on', () => {
    // +600 ms a minute over a 6 s step: 60 ms.
    assert.equal(
      trendLagGrowth({ p50MsPerMinute: 600, p50ChangeMs: 50, points: 6, direction: 'grew' }, 6000),
      60,
    );
    assert.equal(
      trendLagGrowth({ p50MsPerMinute: 600, p50ChangeMs: 10, points: 2, direction: 'grew' }, 6000),
      null,
    );
    assert.equal(
      trendLagGrowth({ p50MsPerMinute: null, p50ChangeMs: null, points: 0, direction: null }, 6000),
      null,
    );
  });
});

describe('timelineSpanGrowth', () => {
  const second = (s: number, sent: number, visible: number): TimelineSecond => {
    const cls = { sent, acknowledged: sent, visible, visibleP50: null, visibleP99: null, latencyCount: 0 };
    const none = {
      sent: 0,
      acknowledged: 0,
      visible: 0,
      visibleP50: null,
      visibleP99: null,
      latencyCount: 0,
    };
    return {
      second: s,
      sent,
      acknowledged: sent,
      visible,
      errors: 0,
      classes: { identified: cls, anonymous: none },
    };
  };

  it('is about 0 when events become visible as fast as they were sent, and the backlog when slower', () => {
    // 6 s of 500/s, visible one second later at the same pace.
    const keepingUp = [0, 1, 2, 3, 4, 5, 6].map((s) => second(s, s < 6 ? 500 : 0, s >= 1 ? 500 : 0));
    assert.ok(Math.abs(timelineSpanGrowth(keepingUp, 'identified', 6000, 20)!) < 1, 'keeping up');
    // The same 3,000 events visible at 250/s from second 1: twice the span, 6 s more lag over 6 s.
    const half = Array.from({ length: 13 }, (_, s) => second(s, s < 6 ? 500 : 0, s >= 1 ? 250 : 0));
    const growth = timelineSpanGrowth(half, 'identified', 6000, 20)!;
    assert.ok(Math.abs(growth - 6000) < 1, String(growth));
    assert.equal(timelineSpanGrowth(half, 'anonymous', 6000, 20), null);
  });

  it('counts events never seen as visible when observation ended', () => {
    // Half the events never seen, observation ended at second 10: the 95th percentile is then.
    const stuck = Array.from({ length: 4 }, (_, s) => second(s, s < 2 ? 500 : 0, s >= 1 && s < 2 ? 500 : 0));
    const growth = timelineSpanGrowth(stuck, 'identified', 2000, 10)!;
    assert.ok(growth > 2000 * 3, String(growth));
  });
});
