// The live view's fold and rendering, pure: a monitor's feed (no `started`) renders its own header
// and status, and a feed longer than the charts' window is drawn inside the chart, not past its
// right edge (each point placed by its index in the window kept).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DASHBOARD_SECONDS,
  EMPTY_DASHBOARD,
  foldLiveEvent,
  renderDashboardView,
} from '../../src/live/dashboard-view.js';
import type { LiveClassSecond, LiveEvent } from '../../src/live/live-event.js';

const START = Date.UTC(2026, 0, 1);
const SECONDS = DASHBOARD_SECONDS + 700;

const classSecond = (n: number): LiveClassSecond => ({
  sent: n,
  acknowledged: n,
  rejected: 0,
  failed: 0,
  dropped: 0,
  visible: n,
  visibleP50Ms: 1500 + n,
  visibleP99Ms: 3000 + n,
  latencyCount: n,
});

function monitorFeed(): LiveEvent[] {
  const events: LiveEvent[] = [
    {
      type: 'monitor-started',
      runId: 'monitor-view',
      scenario: 'view',
      startAtMs: START,
      pollIntervalMs: 15_000,
      ratePerClass: 1,
      deadlineMs: 30_000,
      windowMs: 300_000,
    },
  ];
  for (let second = 0; second < SECONDS; second++) {
    events.push({
      type: 'second',
      second: {
        second,
        endMs: START + (second + 1) * 1000,
        stage: 'load',
        classes: { anonymous: classSecond(1), identified: classSecond(2) },
        errors: {},
        sendDelayMaxMs: null,
        inFlight: 0,
        queries: second % 15 === 0 ? 1 : 0,
        budget: {
          queries: Math.floor(second / 15) + 1,
          throttled: 0,
          peakPerMinute: 4,
          peakPerHour: 240,
          limits: { perMinute: 24, perHour: 240, concurrent: 1 },
        },
      },
    });
    events.push({
      type: 'monitor-status',
      status: {
        atMs: START + (second + 1) * 1000,
        held: 40,
        oldestUnseenAgeMs: 40_000,
        slaOk: false,
        lastPollMs: START + second * 1000,
        lost: { anonymous: 3, identified: 4 },
        unverified: { anonymous: 5, identified: 6 },
        queryErrors: 2,
        stopped: false,
      },
    });
  }
  return events;
}

test('a monitor feed longer than the window: bounded state, every point inside the chart', () => {
  const state = monitorFeed().reduce(foldLiveEvent, EMPTY_DASHBOARD);
  assert.equal(state.seconds.length, DASHBOARD_SECONDS);
  assert.equal(state.ages.length, DASHBOARD_SECONDS);
  assert.equal(state.totals.identified.sent, 2 * SECONDS, 'counts are over the whole feed');
  const html = renderDashboardView(state);
  const xs = [...html.matchAll(/points="([^"]+)"/g)].flatMap((m) =>
    m[1]!.split(' ').map((p) => Number(p.split(',')[0])),
  );
  assert.ok(xs.length > DASHBOARD_SECONDS, `${xs.length} points drawn`);
  // The plot spans x 70 to 570 of a 720-wide chart (svg-charts.ts PAD and W).
  assert.ok(Math.max(...xs) <= 570.05, `rightmost point at x ${Math.max(...xs)}`);
  assert.ok(Math.min(...xs) >= 69.95, `leftmost point at x ${Math.min(...xs)}`);

  assert.match(html, /data-stage="monitoring"/);
  assert.match(html, /SLA over the window: <strong>BROKEN<\/strong>/);
  assert.match(html, /oldest unseen event 40.0 s/);
  assert.match(html, /Oldest unseen event age/);
  // The counts table: sent, acknowledged, visible over the feed; lost from the status.
  assert.match(html, new RegExp(`<td>identified</td><td class="n">${(2 * SECONDS).toLocaleString('en-US')}`));
  assert.match(html, /<td class="n">3<\/td><td class="n">5<\/td><td class="n">0<\/td><\/tr>/);
});

test('the last status of a stopped monitor is what the page shows', () => {
  const events = monitorFeed();
  events.push({
    type: 'monitor-status',
    status: {
      atMs: START + SECONDS * 1000,
      held: 0,
      oldestUnseenAgeMs: 0,
      slaOk: true,
      lastPollMs: START + SECONDS * 1000,
      lost: { anonymous: 3, identified: 4 },
      unverified: { anonymous: 5, identified: 6 },
      queryErrors: 2,
      stopped: true,
    },
  });
  const html = renderDashboardView(events.reduce(foldLiveEvent, EMPTY_DASHBOARD));
  assert.match(html, /data-stage="stopped"/);
  assert.match(html, /SLA over the window: <strong>ok<\/strong>/);
});
