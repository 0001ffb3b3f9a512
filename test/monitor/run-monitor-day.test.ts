// A simulated day of `monitor` on a virtual clock, with an in-process capture and query API: the
// events held stay flat (bounded by rate × (deadline + poll interval)), every hour's queries stay
// within the monitor's share of the key's budget, and each acknowledged event is accounted for
// exactly (visible, lost, or held at stop) against what the fake target did.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EncodedBody } from '../../src/generate/batch-body.js';
import {
  DASHBOARD_SECONDS,
  EMPTY_DASHBOARD,
  foldLiveEvent,
  type DashboardState,
} from '../../src/live/dashboard-view.js';
import type { LiveEvent, LiveMonitorStatus } from '../../src/live/live-event.js';
import { EVENT_CLASSES } from '../../src/scenario/scenario.js';
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

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;
const DROP_EVERY = 500;

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-monitor-day-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a simulated day: held events flat, queries within budget every hour, every event accounted for', async () => {
  const scenario = parseScenario(
    shortScenarioText({
      name: 'monitor-day',
      seed: 3,
      rate: 10,
      duration: '10s',
      populationSize: 500,
      pollInterval: '1s',
      drainTimeout: '10s',
      sla: ['visible.p99 < 30s', 'lost == 0'],
    }),
    '<inline>',
  );
  const plan = planMonitor(scenario);
  // A tenth of PostHog's 2,400/h: 240 an hour, one poll every 15 s.
  assert.deepEqual([plan.limits.perHour, plan.pollIntervalMs, plan.sla.deadlineMs], [240, 15_000, 30_000]);
  const start = Date.UTC(2026, 0, 1);
  const clock = new ScheduledClock(start, 'auto');
  const store: StoredEvent[] = [];
  let received = 0;
  const capture = (encoded: EncodedBody): Promise<number> => {
    for (const e of capturedEvents(encoded)) {
      received += 1;
      // Ingestion takes 1 to 4 s; one event in DROP_EVERY is acknowledged and never stored.
      store.push({
        ...e,
        visibleAt: clock.now() + 1_000 + (received % 7) * 500,
        dropped: received % DROP_EVERY === 0,
      });
    }
    return Promise.resolve(200);
  };
  // The key's budget arithmetic (the real sliding windows), held to the monitor's share.
  const { client, budget, queryTimes } = standInClient(plan.limits, clock, (hogql, now) => {
    assert.equal(budget.waitMs(now), 0, `a query at +${now - start} ms the budget would have held back`);
    budget.take(now);
    assert.doesNotMatch(hogql, /uuid >=/, 'one page holds every row');
    const [from, to] = polledRange(hogql);
    const limit = Number(/LIMIT (\d+)/.exec(hogql)?.[1]);
    let lo = 0;
    let hi = store.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (store[mid]!.intendedMs < from) lo = mid + 1;
      else hi = mid;
    }
    // The store is in intended order: the range from its first event on (binary search).
    function* inRange(): Generator<StoredEvent> {
      for (let i = lo; i < store.length && store[i]!.intendedMs < to; i++) yield store[i]!;
    }
    return Promise.resolve(pollAnswer(inRange(), now, limit));
  });

  // What --dashboard is fed: folded as the page's server folds it, and summed second by second.
  let dashboard: DashboardState = EMPTY_DASHBOARD;
  const live = { seconds: 0, statuses: 0, sent: 0, acknowledged: 0, visible: 0, maxHeldInState: 0 };
  let lastStatus: LiveMonitorStatus | null = null;
  const onLive = (event: LiveEvent): void => {
    dashboard = foldLiveEvent(dashboard, event);
    if (event.type === 'second') {
      live.seconds += 1;
      for (const cls of EVENT_CLASSES) {
        live.sent += event.second.classes[cls].sent;
        live.acknowledged += event.second.classes[cls].acknowledged;
        live.visible += event.second.classes[cls].visible;
      }
    } else if (event.type === 'monitor-status') {
      live.statuses += 1;
      lastStatus = event.status;
    }
    live.maxHeldInState = Math.max(live.maxHeldInState, dashboard.seconds.length, dashboard.ages.length);
  };
  const stop = new AbortController();
  const logFile = join(dir, 'monitor.ndjson');
  const monitor = runMonitor({
    scenario,
    plan,
    runId: 'monitor-day',
    token: 'phc_day',
    capture,
    client,
    clock,
    signal: stop.signal,
    logFile,
    onLive,
  });
  await clock.sleep(DAY_MS);
  stop.abort();
  const summary = await monitor;
  const endMs = start + DAY_MS;
  assert.equal(clock.now(), endMs, 'the stop and final poll took no virtual time');

  // Exact accounting against the fake target.
  const c = summary.totals.classes;
  const sent = c.anonymous.sent + c.identified.sent;
  assert.equal(sent, store.length);
  assert.ok(sent >= 2 * 86_400 - 2, `${sent} sent: two a second for a day`);
  assert.equal(c.anonymous.acknowledged + c.identified.acknowledged, sent);
  const visible = store.filter((e) => !e.dropped && e.visibleAt <= endMs).length;
  const lost = store.filter((e) => e.dropped && e.intendedMs + plan.sla.deadlineMs <= endMs).length;
  assert.equal(c.anonymous.visible + c.identified.visible, visible);
  assert.equal(c.anonymous.lost + c.identified.lost, lost);
  assert.equal(summary.held, sent - visible - lost);
  assert.ok(lost > 300, `${lost} lost`);

  // Queries: the same every hour, never more than the budget.
  for (let h = 0; h < 24; h++) {
    const inHour = queryTimes.filter((t) => t >= start + h * HOUR_MS && t < start + (h + 1) * HOUR_MS).length;
    assert.ok(
      inHour <= plan.limits.perHour && inHour >= plan.limits.perHour - 1,
      `hour ${h}: ${inHour} queries`,
    );
  }
  for (let i = plan.limits.perHour; i < queryTimes.length; i++)
    assert.ok(
      queryTimes[i]! - queryTimes[i - plan.limits.perHour]! >= HOUR_MS - 1,
      'no sliding hour over budget',
    );

  // Held events, read from the per-minute log: flat, and bounded by rate × (deadline + interval).
  const lines = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { held: number; slaOk: boolean });
  // Minutes 1 to 1,439 (the stop comes at minute 1,440, before its line) and the line at stop.
  assert.equal(lines.length, 24 * 60, 'one line a minute and one at stop');
  const bound = 2 * ((plan.sla.deadlineMs + plan.pollIntervalMs) / 1000) + 2;
  const held = lines.map((l) => l.held);
  assert.ok(Math.max(...held) <= bound, `at most ${Math.max(...held)} held (bound ${bound})`);
  const firstHour = Math.max(...held.slice(0, 60));
  const lastHour = Math.max(...held.slice(-61, -1));
  assert.ok(
    Math.abs(firstHour - lastHour) <= 4,
    `held ${firstHour} in the first hour, ${lastHour} in the last`,
  );
  // One event in 500 lost breaks `lost == 0` in every 5-minute window that holds one.
  assert.ok(lines.some((l) => !l.slaOk));

  // The live feed: a second a second for the day, and the (here empty) partial one a stop always
  // hands out; a status after each tick and at stop. The seconds sum to the summary's counts;
  // the dashboard's state never holds more than its window.
  assert.equal(live.seconds, 86_400 + 1);
  assert.equal(live.statuses, 86_400);
  assert.equal(live.sent, sent);
  assert.equal(live.acknowledged, sent);
  assert.equal(live.visible, visible);
  assert.equal(live.maxHeldInState, DASHBOARD_SECONDS);
  const final = lastStatus as LiveMonitorStatus | null;
  assert.equal(final?.stopped, true);
  assert.equal(final.held, summary.held);
  assert.deepEqual(final.lost, { anonymous: c.anonymous.lost, identified: c.identified.lost });
  assert.equal(final.lastPollMs, summary.lastPollMs);
  assert.equal(dashboard.monitorStatus, final);
  assert.ok(dashboard.sla.some((check) => check.metric === 'oldest_unseen_age'));
});
