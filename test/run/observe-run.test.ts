// The end of observation on a virtual clock: the drain reports its progress each second of the
// run's clock until the observer has drained, and a run cut short gets one bounded final poll.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StopOptions } from '../../src/observe/observer.js';
import { endObservation, type DrainProgress } from '../../src/run/observe-run.js';
import { ScheduledClock } from '../scheduled-clock.js';

const START = 1_700_000_000_000;

/** An observer whose drain takes `drainMs` of the clock and sees 100 events more each second. */
function fakeObserver(clock: ScheduledClock, drainMs: number) {
  const calls: { drain: number[]; stop: (StopOptions | undefined)[] } = { drain: [], stop: [] };
  return {
    calls,
    drain: async (timeoutMs: number) => {
      calls.drain.push(timeoutMs);
      await clock.sleep(drainMs);
      return { ended: 'drained', at: clock.now() };
    },
    stop: (options?: StopOptions) => {
      calls.stop.push(options);
      return Promise.resolve({ ended: 'stopped', at: clock.now() });
    },
    stats: () => ({ visible: Math.floor((clock.now() - START) / 1000) * 100 }),
  };
}

test('the drain reports each second of the run clock until the observer drained, then stops ticking', async () => {
  const clock = new ScheduledClock(START);
  const observer = fakeObserver(clock, 3500);
  const stages: string[] = [];
  const progress: DrainProgress[] = [];
  const ended = endObservation({
    observer,
    live: { stage: (s) => stages.push(s) },
    stop: null,
    drainTimeoutMs: 30_000,
    acknowledged: 500,
    clock,
    onProgress: (p) => progress.push(p),
  });
  await clock.advance(3500);
  assert.deepEqual(await ended, { ended: 'drained', at: START + 3500 });
  assert.deepEqual(observer.calls.drain, [30_000]);
  assert.deepEqual(observer.calls.stop, []);
  assert.deepEqual(stages, ['drain']);
  assert.deepEqual(progress, [
    { stage: 'drain', visible: 100, acknowledged: 500, elapsedMs: 1000 },
    { stage: 'drain', visible: 200, acknowledged: 500, elapsedMs: 2000 },
    { stage: 'drain', visible: 300, acknowledged: 500, elapsedMs: 3000 },
  ]);
  // The ticker's sleep was cancelled with the drain: nothing waits, no tick follows.
  assert.equal(clock.pending, 0);
  await clock.advance(5000);
  assert.equal(progress.length, 3);
});

test('a run cut short gets one final poll bounded by the drain timeout, and no drain', async () => {
  for (const [drainTimeoutMs, finalPollMs] of [
    [30_000, 10_000],
    [4000, 4000],
  ] as const) {
    const clock = new ScheduledClock(START);
    const observer = fakeObserver(clock, 3500);
    const stages: string[] = [];
    const progress: DrainProgress[] = [];
    const ended = await endObservation({
      observer,
      live: { stage: (s) => stages.push(s) },
      stop: { reason: 'interrupted', detail: 'SIGINT' },
      drainTimeoutMs,
      acknowledged: 500,
      clock,
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(ended, { ended: 'stopped', at: START });
    assert.deepEqual(observer.calls.stop, [{ finalPollMs }]);
    assert.deepEqual(observer.calls.drain, []);
    assert.deepEqual(stages, []);
    assert.deepEqual(progress, []);
    assert.equal(clock.pending, 0);
  }
});
