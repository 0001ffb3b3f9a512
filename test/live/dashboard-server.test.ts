// The dashboard server without a browser: the page and the event stream over a real socket, the
// view following the live events, a capacity step's report not taken for the end, the final
// report pushed whole, and HOST:PORT refused when malformed.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { parseListen, startDashboard, type Dashboard } from '../../src/live/dashboard-server.js';
import type { LiveEvent, LiveSecond } from '../../src/live/live-event.js';
import { buildReport } from '../../src/report/build-report.js';
import { lagInputs } from '../report/lag-fixture.js';
import { measurement } from '../capacity/capacity-fixture.js';
import { readEvents } from './read-events.js';

const dashboards: Dashboard[] = [];
after(() => Promise.all(dashboards.map((d) => d.close())));

const LIMITS = { perMinute: 240, perHour: 2400, concurrent: 3 };

function second(n: number, sent: number): LiveSecond {
  const cls = {
    sent,
    acknowledged: sent,
    rejected: 0,
    failed: 0,
    dropped: 0,
    visible: sent,
    visibleP50Ms: 300,
    visibleP99Ms: 900,
    latencyCount: sent,
  };
  return {
    second: n,
    endMs: 1_000_000 + (n + 1) * 1000,
    stage: 'load',
    classes: { anonymous: cls, identified: { ...cls, sent: 1 } },
    errors: n === 1 ? { http_429: 2 } : {},
    sendDelayMaxMs: 12,
    inFlight: 1,
    queries: 2,
    budget: {
      queries: 2 * (n + 1),
      throttled: 0,
      peakPerMinute: 2 * (n + 1),
      peakPerHour: 2 * (n + 1),
      limits: LIMITS,
    },
  };
}

const started = (step?: { eventClass: 'anonymous'; rate: number; index: number }): LiveEvent => ({
  type: 'started',
  runId: 'r1',
  scenario: 'unit',
  startAtMs: 1_000_000,
  durationMs: 10_000,
  plannedTotal: 1000,
  method: 'exact',
  pollIntervalMs: 250,
  ...(step ? { step } : {}),
});

describe('startDashboard', () => {
  it('serves the page and pushes the view as events come, then the final report', async () => {
    const dashboard = await startDashboard({ title: 'unit' });
    dashboards.push(dashboard);
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(dashboard.url);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.match(html, /new EventSource\('\/events'\)/);
    assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing from elsewhere');

    const stream = readEvents(dashboard.url, (events) => events.some((e) => e.event === 'final'));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the stream is open
    dashboard.listener(started());
    dashboard.listener({ type: 'second', second: second(0, 10) });
    dashboard.listener({ type: 'second', second: second(1, 30) });
    dashboard.listener({
      type: 'sla',
      checks: [{ check: 'lost == 0', metric: 'lost', value: null, unit: 'count', status: 'pending' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 800)); // one throttled push
    const report = buildReport(lagInputs());
    dashboard.listener({ type: 'report', report });
    const events = await stream;
    const views = events.filter((e) => e.event === 'view');
    const lastView = views.at(-1)!.data;
    assert.match(lastView, /<svg/);
    assert.match(lastView, /anonymous events per second/);
    assert.match(lastView, /<td>http_429<\/td><td class="n">2<\/td>/);
    assert.match(lastView, /<td>lost == 0<\/td><td class="n">pending<\/td>/);
    assert.match(lastView, /4 queries \(0 throttled\); busiest minute 4 of 240/);
    // Counts so far sum the seconds: anonymous sent 10 + 30.
    assert.match(lastView, /<tr><td>anonymous<\/td><td class="n">40<\/td>/);
    const final = events.find((e) => e.event === 'final')!.data;
    assert.match(final, /id="lag-over-time"/);
    assert.ok(final.includes(`<title>ingestbench ${report.run.id}`));
    // A page opened now gets the report at once.
    assert.match(await (await fetch(dashboard.url)).text(), /id="lag-over-time"/);
    assert.equal(dashboard.finalReportsSent() >= 1, true);
  });

  it("a capacity step's run report is not the end; the capacity report is", async () => {
    const dashboard = await startDashboard({ title: 'capacity' });
    dashboards.push(dashboard);
    dashboard.listener(started({ eventClass: 'anonymous', rate: 100, index: 0 }));
    dashboard.listener({ type: 'report', report: buildReport(lagInputs()) });
    dashboard.listener({
      type: 'step',
      eventClass: 'anonymous',
      step: { ...measurement(100), role: 'search', pass: true, failedBy: null, reasons: [] },
    });
    const [first] = await readEvents(dashboard.url, (events) => events.length > 0);
    assert.equal(first!.event, 'view', 'still live after a step report');
    assert.match(first!.data, /Capacity steps/);
    assert.match(
      first!.data,
      /<td>anonymous<\/td><td class="n">100\/s<\/td><td class="n">search<\/td><td class="n">pass<\/td>/,
    );
  });

  it('refuses a malformed HOST:PORT with a usage error', () => {
    assert.deepEqual(parseListen(undefined), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListen(':5665'), { host: '127.0.0.1', port: 5665 });
    assert.deepEqual(parseListen('[::1]:80'), { host: '::1', port: 80 });
    assert.throws(
      () => parseListen('127.0.0.1:99999'),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
    );
  });
});
