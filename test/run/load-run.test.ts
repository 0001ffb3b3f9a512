// The capture-loss watchdog on a virtual clock: capture is lost only after the whole allowance
// passed with failures and no acknowledgement, once, and an acknowledgement restarts the wait.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureWatchdog } from '../../src/run/load-run.js';
import { ScheduledClock } from '../scheduled-clock.js';

const START = 1_700_000_000_000;

test('capture is lost after the allowance of failures without an acknowledgement, and said once', async () => {
  const clock = new ScheduledClock(START);
  let lostCalls = 0;
  const watchdog = captureWatchdog({
    clock,
    lostAfterMs: 10_000,
    captureUrl: 'http://127.0.0.1:9/i/v0/e/?token=secret',
    onLost: () => (lostCalls += 1),
  });
  await clock.advance(2000);
  watchdog.watch({ acknowledged: 100, failed: 0 });
  // Failures from 2 s on, nothing acknowledged: 9.999 s is not yet lost.
  await clock.advance(9999);
  watchdog.watch({ acknowledged: 100, failed: 40 });
  assert.equal(watchdog.lost(), null);
  assert.equal(lostCalls, 0);
  await clock.advance(1);
  watchdog.watch({ acknowledged: 100, failed: 55 });
  const lost = watchdog.lost();
  assert.equal(lost?.reason, 'target-lost');
  assert.match(lost.detail, /acknowledged nothing for 10 s while 55 events failed/);
  assert.doesNotMatch(lost.detail, /secret/);
  assert.equal(lostCalls, 1);
  await clock.advance(5000);
  watchdog.watch({ acknowledged: 100, failed: 90 });
  assert.equal(lostCalls, 1);
});

test('an acknowledgement restarts the wait, and progress without new failures is no sign', async () => {
  const clock = new ScheduledClock(START);
  let lostCalls = 0;
  const watchdog = captureWatchdog({
    clock,
    lostAfterMs: 10_000,
    captureUrl: 'http://127.0.0.1:9/i/v0/e/',
    onLost: () => (lostCalls += 1),
  });
  // Quiet (no acks, no failures) for longer than the allowance: not lost.
  await clock.advance(20_000);
  watchdog.watch({ acknowledged: 0, failed: 0 });
  await clock.advance(8000);
  watchdog.watch({ acknowledged: 10, failed: 5 });
  await clock.advance(8000);
  watchdog.watch({ acknowledged: 10, failed: 30 });
  assert.equal(watchdog.lost(), null);
  await clock.advance(2000);
  watchdog.watch({ acknowledged: 10, failed: 31 });
  assert.equal(watchdog.lost()?.reason, 'target-lost');
  assert.equal(lostCalls, 1);
});
