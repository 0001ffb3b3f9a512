import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MonitorLedger } from '../../src/monitor/monitor-ledger.js';

const ledger = (): MonitorLedger => new MonitorLedger({ deadlineMs: 10_000, windowMs: 60_000 });

describe('MonitorLedger', () => {
  it('drops an event once seen, with its latency from the intended time', () => {
    const l = ledger();
    l.sent('a', 'anonymous', 1_000);
    l.acknowledged('a');
    assert.equal(l.held(), 1);
    assert.deepEqual(l.seen('a', 3_500), { eventClass: 'anonymous', latencyMs: 2_500 });
    assert.equal(l.held(), 0);
    assert.equal(l.seen('a', 4_000), null, 'a second sighting (a duplicate) is not counted again');
    assert.equal(l.seen('foreign', 4_000), null);
  });

  it('loses acknowledged events unseen by the first poll sent after their deadline, not before', () => {
    const l = ledger();
    l.sent('a', 'anonymous', 1_000);
    l.sent('b', 'identified', 2_000);
    l.sent('c', 'identified', 3_000);
    l.acknowledged('a');
    l.acknowledged('c');
    assert.deepEqual(l.expire(10_999), { anonymous: 0, identified: 0 }, 'deadline of a is 11,000');
    // b is past its deadline too but capture has not answered: not judged yet.
    assert.deepEqual(l.expire(12_500), { anonymous: 1, identified: 0 });
    assert.equal(l.held(), 2);
    assert.deepEqual(l.expire(13_000), { anonymous: 0, identified: 1 });
    assert.equal(l.held(), 1);
    l.forget('b');
    assert.equal(l.held(), 0);
  });

  it('after a failed poll lets acknowledged events go as unverified past twice the deadline, never lost', () => {
    const l = ledger();
    l.sent('a', 'anonymous', 1_000);
    l.sent('b', 'identified', 2_000);
    l.sent('c', 'identified', 3_000);
    l.acknowledged('a');
    l.acknowledged('c');
    assert.deepEqual(l.abandon(20_999), { anonymous: 0, identified: 0 }, 'twice the deadline of a is 21,000');
    assert.deepEqual(l.abandon(23_000), { anonymous: 1, identified: 1 }, 'b: capture has not answered');
    assert.equal(l.held(), 1);
    assert.deepEqual(l.window(23_000), [], 'an unverified event is no outcome of the SLA window');
    // The stall is not over: its age counts from a, the oldest event let go.
    assert.equal(l.oldestUnseenAgeMs(30_000), 29_000);
    assert.deepEqual(l.expire(40_000), { anonymous: 0, identified: 0 }, 'nothing left to lose');
  });

  it('ages the oldest unseen event, lost ones included until something newer is seen', () => {
    const l = ledger();
    assert.equal(l.oldestUnseenAgeMs(5_000), 0);
    l.sent('a', 'anonymous', 1_000);
    assert.equal(l.oldestUnseenAgeMs(5_000), 0, 'not acknowledged yet');
    l.acknowledged('a');
    assert.equal(l.oldestUnseenAgeMs(5_000), 4_000);
    l.expire(11_000); // a lost: no longer held
    assert.equal(l.held(), 0);
    assert.equal(l.oldestUnseenAgeMs(20_000), 19_000, 'the stall goes on while nothing newer is seen');
    l.sent('b', 'anonymous', 15_000);
    l.acknowledged('b');
    assert.equal(l.oldestUnseenAgeMs(20_000), 19_000);
    l.seen('b', 20_000);
    assert.equal(l.oldestUnseenAgeMs(20_000), 0, 'a newer event came back: the stall is over');
  });

  it('asks for the intended-time range of the events it holds, and keeps a rolling window', () => {
    const l = ledger();
    assert.equal(l.queryRange(), null);
    l.sent('a', 'anonymous', 1_000.4);
    l.sent('b', 'identified', 2_000.7);
    l.acknowledged('a');
    l.acknowledged('b');
    assert.deepEqual(l.queryRange(), [1_000, 2_001]);
    l.seen('a', 2_000);
    l.expire(13_000);
    assert.deepEqual(
      l.window(13_000).map((o) => [o.eventClass, o.latencyMs]),
      [
        ['anonymous', 999.6],
        ['identified', Infinity],
      ],
    );
    assert.equal(l.window(62_001).length, 1, 'the sighting at 2,000 has left the minute');
    assert.equal(l.window(73_001).length, 0);
  });

  it('forgets outcomes the window has left at every answered poll, whether or not anyone reads the window', () => {
    // A day at two events a second, polled every 15 s, nothing scraping, logging or watching.
    const l = ledger();
    const POLL_MS = 15_000;
    let next = 0;
    let maxKept = 0;
    for (let poll = POLL_MS; poll <= 86_400_000; poll += POLL_MS) {
      for (; next < poll; next += 500) {
        l.sent(`e${next}`, next % 1000 === 0 ? 'anonymous' : 'identified', next);
        l.acknowledged(`e${next}`);
      }
      // The poll sees all but one event in a hundred, 2 s after it was sent.
      for (let t = poll - POLL_MS; t < poll; t += 500) if (t % 50_000 !== 0) l.seen(`e${t}`, t + 2_000);
      l.expire(poll);
      maxKept = Math.max(maxKept, l.kept());
    }
    // The window (60 s) plus a poll's worth of outcomes decided after its start, at 2 a second.
    assert.ok(maxKept <= 2 * (60 + 15) + 2, `${maxKept} outcomes kept at most`);
    assert.ok(maxKept >= 2 * 60 - 2, `${maxKept}: the window's outcomes are kept`);
    assert.ok(l.held() <= 2 * (10 + 15), `${l.held()} events held`);
  });
});
