// An interrupted run (SIGINT → io.signal aborted) ended in "internal error: AbortError" with exit
// 4 and no report: the poller's wait between polls rethrew the abort instead of ending its loop,
// so poller.stop() rejected. It must end quietly and report what it has.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { Ledger } from '../../src/load/ledger.js';
import { startPoller } from '../../src/observe/poller.js';
import { createQueryClient } from '../../src/observe/query-client.js';

it('an abort while the poller waits for its next poll ends the loop; stop() reports the tally', async () => {
  const abort = new AbortController();
  // Nothing is acknowledged yet, so a poll sends no query: no target is needed.
  const client = createQueryClient({
    queryUrl: 'http://127.0.0.1:9',
    projectId: '1',
    personalKey: 'phx_unused',
    budgetPerMinute: 60,
    signal: abort.signal,
  });
  const poller = startPoller({
    client,
    ledger: Ledger.allocate([4, 4]),
    runId: 'aborted-run',
    runTag: 1,
    pollIntervalMs: 60_000,
    signal: abort.signal,
  });
  for (let i = 0; i < 1000 && poller.stats().polls === 0; i += 1) await tick();
  assert.equal(poller.stats().polls, 1, 'the first poll ran; the poller now waits a minute for the next');
  abort.abort(new Error('SIGINT'));
  // As in a run: the load side winds down before anyone calls stop().
  await tick();
  const result = await poller.stop();
  assert.equal(result.polls, 1);
  assert.equal(result.queries, 0);
  assert.equal(result.visible, 0);
  assert.equal(result.countsSource, 'poller');
});
