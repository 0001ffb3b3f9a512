// The run's one clock: a clock built from an anchor reads the same time base in this thread, in a
// worker thread and in a child process. Each check brackets the other side's reading between two
// readings taken here, so it asserts order, never speed. The anchor is deliberately far from the
// wall clock: a side that read its own wall clock (Date.now, performance.timeOrigin) would land
// decades outside the bracket.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { captureClockAnchor, epochClock, monotonicMs, systemClock, type ClockAnchor } from '../src/clock.js';

const CLOCK_MODULE = new URL('../src/clock.js', import.meta.url).href;
/** 2001-09-09: a time base no wall clock here reads. */
const farAnchor = (): ClockAnchor => ({ unixMs: 1_000_000_000_000, monotonicMs: monotonicMs() });

describe('epochClock', () => {
  it('reads anchor.unixMs plus the monotonic time elapsed since the anchor', () => {
    const anchor = { unixMs: 5_000, monotonicMs: monotonicMs() - 250 };
    const before = monotonicMs();
    const now = epochClock(anchor).now();
    const after = monotonicMs();
    assert.ok(now >= 5_000 + (before - anchor.monotonicMs), `${now} is before the bracket`);
    assert.ok(now <= 5_000 + (after - anchor.monotonicMs), `${now} is after the bracket`);
    assert.ok(now >= 5_250);
  });

  it('keeps its anchor, so another thread can be handed the same time base', () => {
    const anchor = captureClockAnchor();
    assert.deepEqual(epochClock(anchor).anchor, anchor);
    assert.ok(Math.abs(anchor.unixMs - Date.now()) < 60_000);
    assert.ok(Math.abs(systemClock.now() - Date.now()) < 60_000, 'systemClock is unix time');
  });

  it('sleep resolves after the time asked and rejects when aborted', async () => {
    const clock = epochClock(captureClockAnchor());
    const start = clock.now();
    await clock.sleep(20);
    assert.ok(clock.now() - start >= 19);
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort();
    await assert.rejects(sleeping, { name: 'AbortError' });
  });

  it('a worker thread built from the anchor reads the same time base', async () => {
    const anchor = farAnchor();
    const clock = epochClock(anchor);
    const code = `
      import { parentPort, workerData } from 'node:worker_threads';
      const { epochClock } = await import(workerData.module);
      parentPort.postMessage(epochClock(workerData.anchor).now());`;
    const before = clock.now();
    const worker = new Worker(code, { eval: true, workerData: { module: CLOCK_MODULE, anchor } });
    const theirs = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const after = clock.now();
    await worker.terminate();
    assert.ok(before <= theirs && theirs <= after, `worker read ${theirs}, outside [${before}, ${after}]`);
  });

  it('a child process built from the anchor reads the same time base', async () => {
    const anchor = farAnchor();
    const clock = epochClock(anchor);
    const code = `const { epochClock } = await import(${JSON.stringify(CLOCK_MODULE)});
      process.stdout.write(String(epochClock(${JSON.stringify(anchor)}).now()));`;
    const before = clock.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code]);
    const after = clock.now();
    const theirs = Number(stdout);
    assert.ok(before <= theirs && theirs <= after, `child read ${theirs}, outside [${before}, ${after}]`);
  });
});
