// A query API outage of half an hour in a two-hour monitor, on a virtual clock with in-process
// capture and query API: every poll during the outage fails, so nothing is expired; the events
// held stay bounded by rate × 2 × deadline (those past it become unverified, never lost), the
// stall shows in the oldest unseen age, and after the outage the monitor sees events again with
// every acknowledged event accounted for (visible, lost, unverified or held).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncodedBody } from '../../src/generate/batch-body.js';
import type { LiveEvent, LiveMonitorStatus } from '../../src/live/live-event.js';
import { planMonitor } from '../../src/monitor/plan-monitor.js';
import { runMonitor } from '../../src/monitor/run-monitor.js';
import { IngestbenchError } from '../../src/errors.js';
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

const MINUTE_MS = 60_000;
const OUTAGE = { from: 30 * MINUTE_MS, to: 60 * MINUTE_MS };
const RUN_MS = 120 * MINUTE_MS;

test('a query API outage: held events bounded, the unchecked ones unverified (not lost), recovery', async () => {
  const scenario = parseScenario(
    shortScenarioText({
      name: 'monitor-outage',
      seed: 4,
      rate: 10,
      duration: '10s',
      populationSize: 300,
      pollInterval: '1s',
      drainTimeout: '10s',
      sla: ['visible.p99 < 30s', 'lost == 0'],
    }),
    '<inline>',
  );
  const plan = planMonitor(scenario);
  assert.deepEqual([plan.pollIntervalMs, plan.sla.deadlineMs], [15_000, 30_000]);
  const start = Date.UTC(2026, 0, 2);
  const clock = new ScheduledClock(start, 'auto');
  // Every acknowledged event is stored and visible 2 s after it was sent.
  const store: StoredEvent[] = [];
  const capture = (encoded: EncodedBody): Promise<number> => {
    for (const e of capturedEvents(encoded)) store.push({ ...e, visibleAt: clock.now() + 2_000 });
    return Promise.resolve(200);
  };
  const { client } = standInClient(plan.limits, clock, (hogql, now) => {
    const offset = now - start;
    if (offset >= OUTAGE.from && offset < OUTAGE.to) {
      return Promise.reject(new IngestbenchError('TARGET_UNREACHABLE', 'query API down (the test’s outage)'));
    }
    const [from, to] = polledRange(hogql);
    return Promise.resolve(
      pollAnswer(
        store.filter((e) => e.intendedMs >= from && e.intendedMs < to),
        now,
      ),
    );
  });
  const statuses: LiveMonitorStatus[] = [];
  const onLive = (event: LiveEvent): void => {
    if (event.type === 'monitor-status') statuses.push(event.status);
  };
  const stop = new AbortController();
  const monitor = runMonitor({
    scenario,
    plan,
    runId: 'monitor-outage',
    token: 'phc_outage',
    capture,
    client,
    clock,
    signal: stop.signal,
    onLive,
  });
  await clock.sleep(RUN_MS);
  stop.abort();
  const summary = await monitor;

  const at = (offsetMs: number): LiveMonitorStatus =>
    statuses.find((s) => s.atMs - start >= offsetMs) ?? assert.fail(`no status at +${offsetMs} ms`);
  const c = summary.totals.classes;
  const sent = c.anonymous.sent + c.identified.sent;
  assert.equal(sent, store.length);
  const unverified = c.anonymous.unverified + c.identified.unverified;
  const lost = c.anonymous.lost + c.identified.lost;
  // Nothing was dropped by the target: no event may be called lost.
  assert.equal(lost, 0, 'an outage loses nothing');
  // Two events a second over the outage, less the last 2 × deadline before it ended (still held).
  const outageSeconds = (OUTAGE.to - OUTAGE.from) / 1000;
  assert.ok(
    unverified >= 2 * (outageSeconds - 2 * 30 - 15) && unverified <= 2 * outageSeconds,
    `${unverified} unverified`,
  );
  assert.equal(c.anonymous.visible + c.identified.visible + unverified + summary.held, sent);

  // Held during the outage: never above rate × (2 × deadline + poll interval), however long it lasts.
  const bound = 2 * ((2 * plan.sla.deadlineMs + plan.pollIntervalMs) / 1000) + 2;
  const during = statuses.filter((s) => s.atMs - start >= OUTAGE.from && s.atMs - start < OUTAGE.to);
  const heldMax = Math.max(...during.map((s) => s.held));
  assert.ok(
    heldMax <= bound && heldMax >= bound / 2,
    `at most ${heldMax} held in the outage (bound ${bound})`,
  );
  // The stall shows: the oldest unseen age grows through the outage, past the deadline.
  assert.ok(at(OUTAGE.to - MINUTE_MS).oldestUnseenAgeMs >= 25 * MINUTE_MS);
  assert.equal(at(OUTAGE.to - MINUTE_MS).slaOk, false);
  // Recovered: an hour after, events are seen again, nothing waits, the SLA holds.
  const after = at(OUTAGE.to + 10 * MINUTE_MS);
  assert.ok(after.oldestUnseenAgeMs <= plan.sla.deadlineMs, `${after.oldestUnseenAgeMs} ms unseen`);
  assert.equal(after.slaOk, true);
  assert.ok(
    summary.totals.queryErrors >= outageSeconds / 15 - 1,
    `${summary.totals.queryErrors} failed polls`,
  );
});
