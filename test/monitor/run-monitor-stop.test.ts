// Stopping a monitor between two polls, on a virtual clock with in-process capture and query API:
// the stop makes one final poll at once, so the summary counts every event that had become
// visible by then, not only those the last regular poll saw; the rest are held at stop.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncodedBody } from '../../src/generate/batch-body.js';
import { planMonitor } from '../../src/monitor/plan-monitor.js';
import { runMonitor } from '../../src/monitor/run-monitor.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { shortScenarioText } from '../short-scenario.js';
import { ScheduledClock } from '../scheduled-clock.js';
import {
  capturedEvents,
  pollAnswer,
  polledRange,
  standInClient,
  type StoredEvent,
} from './monitor-stand-in.js';

test('a stop between two polls makes a final poll that sees what landed since the last one', async () => {
  const scenario = parseScenario(
    shortScenarioText({
      name: 'monitor-stop',
      seed: 6,
      rate: 10,
      duration: '10s',
      populationSize: 200,
      pollInterval: '1s',
      drainTimeout: '10s',
      sla: ['visible.p99 < 30s'],
    }),
    '<inline>',
  );
  const plan = planMonitor(scenario);
  assert.equal(plan.pollIntervalMs, 15_000);
  const start = Date.UTC(2026, 0, 3);
  const clock = new ScheduledClock(start, 'auto');
  // Every event is stored at once and visible 1 s after capture answered.
  const store: StoredEvent[] = [];
  const capture = (encoded: EncodedBody): Promise<number> => {
    for (const e of capturedEvents(encoded)) store.push({ ...e, visibleAt: clock.now() + 1_000 });
    return Promise.resolve(200);
  };
  const { client, queryTimes } = standInClient(plan.limits, clock, (hogql, now) => {
    const [from, to] = polledRange(hogql);
    return Promise.resolve(
      pollAnswer(
        store.filter((e) => e.intendedMs >= from && e.intendedMs < to),
        now,
      ),
    );
  });
  const stop = new AbortController();
  const monitor = runMonitor({
    scenario,
    plan,
    runId: 'monitor-stop',
    token: 'phc_stop',
    capture,
    client,
    clock,
    signal: stop.signal,
  });
  // Halfway between the polls at 60 s and 75 s.
  const stopAt = start + 67_500;
  await clock.sleep(stopAt - start);
  stop.abort();
  const summary = await monitor;

  const regular = queryTimes.filter((t) => t < stopAt);
  assert.deepEqual(
    regular.map((t) => t - start),
    [15_000, 30_000, 45_000, 60_000],
  );
  assert.deepEqual(
    queryTimes.slice(regular.length).map((t) => t - start),
    [67_500],
    'one final poll, at the stop',
  );
  const c = summary.totals.classes;
  const sent = c.anonymous.sent + c.identified.sent;
  assert.equal(sent, store.length);
  const visibleAtStop = store.filter((e) => e.visibleAt <= stopAt).length;
  const visibleAtLastPoll = store.filter((e) => e.visibleAt <= start + 60_000).length;
  assert.ok(visibleAtStop >= visibleAtLastPoll + 2 * 6, 'events landed between the last poll and the stop');
  assert.equal(c.anonymous.visible + c.identified.visible, visibleAtStop);
  assert.equal(summary.held, sent - visibleAtStop);
  assert.equal(summary.lastPollMs, stopAt);
  assert.equal(c.anonymous.lost + c.identified.lost, 0);
});
