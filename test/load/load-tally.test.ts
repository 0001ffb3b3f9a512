import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoadTally, mergeTallies } from '../../src/load/load-tally.js';

describe('LoadTally', () => {
  it('counts by class, buckets the timeline by second since start and merges workers', () => {
    const a = new LoadTally(10_000);
    a.count(0, 'sent', 5);
    a.count(1, 'acknowledged', 3);
    a.eventsSent(5, 10_100);
    a.eventsAcknowledged(3, 12_500);
    a.error('http_429', 12_999);
    a.retries = 1;
    a.requests.sent = 2;
    const b = new LoadTally(10_000);
    b.count(0, 'sent', 2);
    b.eventsSent(2, 10_999);
    b.error('http_429', 11_000);
    b.error('timeout', 11_000);
    assert.deepEqual(a.totals(), { sent: 5, acknowledged: 3, rejected: 0, dropped: 0, failed: 0 });
    const merged = mergeTallies([a.snapshot(), b.snapshot()]);
    assert.equal(merged.counts.anonymous.sent, 7);
    assert.equal(merged.counts.identified.acknowledged, 3);
    assert.deepEqual(merged.errors, { http_429: 2, timeout: 1 });
    assert.deepEqual(merged.requests, { sent: 2, ok: 0, failed: 3 });
    assert.equal(merged.retries, 1);
    assert.deepEqual(merged.timeline, [
      { second: 0, sent: 7, acknowledged: 0, errors: 0 },
      { second: 1, sent: 0, acknowledged: 0, errors: 2 },
      { second: 2, sent: 0, acknowledged: 3, errors: 1 },
    ]);
  });
});
