// `run --dashboard` watched in headless Chromium while the run runs, with --timeline-out and
// --metrics-listen beside it: the page's charts change between two moments of the run (the live
// page both times), /metrics scraped meanwhile is valid exposition, the page becomes the final report when
// the run ends, every request the page made went to the dashboard's own origin, and every NDJSON
// line parses, its seconds summing to the report's counts. Skipped, with the reason, where
// Chromium is not installed.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/report/report-types.js';
import { EVENT_CLASSES } from '../../src/scenario/scenario.js';
import { parseExposition } from '../monitor/prometheus-exposition.js';
import { shortScenarioText } from '../short-scenario.js';
import { launchHeadless, skipWithoutChromium, UrlLine } from './headless-chromium.js';

const skip = skipWithoutChromium('the dashboard');

describe('run --dashboard in a browser, and --timeline-out and --metrics-listen', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-dashboard-'));
  let context: BrowserContext | undefined;
  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('charts change while the run runs, then the page is the final report; nothing from elsewhere', async () => {
    const scenarioFile = join(dir, 'live.yaml');
    writeFileSync(
      scenarioFile,
      shortScenarioText({
        name: 'dashboard',
        seed: 5,
        rate: 100,
        duration: '8s',
        populationSize: 200,
        pollInterval: '250ms',
        drainTimeout: '30s',
        sla: ['visible.p99 < 60s'],
      }),
    );
    const timelineFile = join(dir, 'timeline.ndjson');
    const stderr = new UrlLine(/dashboard: (http:\/\/\S+)/);
    const stdout = new UrlLine(/dashboard: (http:\/\/\S+)/);
    const run = main(
      [
        'run',
        scenarioFile,
        '--dashboard',
        '127.0.0.1:0',
        '--timeline-out',
        timelineFile,
        '--metrics-listen',
        '127.0.0.1:0',
        '--out',
        join(dir, 'reports'),
        '--workers',
        '1',
        '--quiet',
      ],
      {
        stdout,
        stderr,
        env: {},
        cwd: dir,
        signal: new AbortController().signal,
        interactive: false,
      },
    );
    const url = await stderr.url;
    const origin = new URL(url).origin;
    context = await launchHeadless(dir);
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto(url);
    assert.match(
      response?.headers()['content-security-policy'] ?? '',
      /default-src 'none'.*connect-src 'self'/,
    );

    // Moment one: the load is running and a chart has points; moment two: the charts have moved on.
    const POINTS = `[...document.querySelectorAll('#live svg polyline')].map((p) => p.getAttribute('points')).join('|')`;
    const eventsChart = (): Promise<string> => page.evaluate<string>(POINTS);
    // The load is running once the counts show anonymous events sent (the first seconds after
    // `started` may have sent nothing yet, and a chart of zeros changes too).
    const SENT = `Number(document.querySelector('#live #counts tr:nth-child(2) td:nth-child(2)')?.textContent.replace(/\\D/g, '') ?? 0)`;
    await page.waitForFunction(
      `document.querySelectorAll('#live svg polyline').length > 0 && ${SENT} > 0`,
      null,
      { timeout: 120_000 },
    );
    const first = await eventsChart();
    const firstCounts = await page.textContent('#counts');
    // Still the live page (#live), not the final report, which has no live charts.
    await page.waitForFunction(
      `document.getElementById('live') !== null && (${POINTS}) !== ${JSON.stringify(first)}`,
      null,
      { timeout: 120_000 },
    );
    const second = await eventsChart();
    const sentByThen = await page.evaluate<number>(SENT);
    assert.ok(sentByThen > 0, 'the live page counted events sent');
    assert.notEqual(second, first, 'the charts changed between two moments');
    assert.ok(second.length > 0, 'the second moment is drawn by the live page');
    assert.ok(firstCounts !== null && firstCounts.includes('anonymous'));

    // --metrics-listen, scraped while the run runs: valid exposition, counters already moving.
    const metricsUrl = /metrics: (http:\/\/\S+\/metrics)/.exec(stderr.text)?.[1];
    assert.ok(metricsUrl, stderr.text);
    const mid = parseExposition(await (await fetch(metricsUrl)).text());
    const midSent = (cls: string): number =>
      mid.find((m) => m.name === 'ingestbench_events_sent_total' && m.labels['class'] === cls)!.value;

    // The run ends: the page becomes report.html (its title, its verdict badge, its lag section).
    const code = await run;
    assert.equal(code, 0, stderr.text);
    await page.waitForSelector('#lag-over-time', { timeout: 60_000 });
    const title = await page.title();
    const reportDir = /report: (\S+)/.exec(stderr.text)?.[1];
    assert.ok(reportDir, stderr.text);
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
    assert.equal(title, `ingestbench ${report.run.id}: dashboard`);
    assert.equal(await page.textContent('h1 .badge'), 'PASS');
    assert.ok(
      midSent('anonymous') >= sentByThen,
      `${midSent('anonymous')} sent in /metrics, ${sentByThen} on the page before`,
    );
    for (const cls of EVENT_CLASSES)
      assert.ok(midSent(cls) <= report.classes[cls].sent, `${cls} sent mid-run`);
    assert.match(stderr.text, /the final report went to 1 open page/);

    assert.ok(requests.length >= 2, requests.join('\n'));
    assert.deepEqual(
      requests.filter((r) => new URL(r).origin !== origin),
      [],
      'every request the page made went to the dashboard',
    );
    assert.deepEqual(problems, []);

    // --timeline-out: every line parses; the seconds add up to the report's counts.
    const lines = readFileSync(timelineFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);
    assert.equal(lines[0]!.type, 'started');
    assert.equal(lines[0]!['runId'], report.run.id);
    assert.equal(lines.at(-1)!.type, 'end');
    assert.equal(lines.at(-1)!['verdict'], 'pass');
    const seconds = lines.filter((l) => l.type === 'second') as unknown as {
      second: number;
      classes: Record<string, Record<string, number>>;
    }[];
    assert.deepEqual(
      seconds.map((s) => s.second),
      seconds.map((_, i) => i),
    );
    for (const cls of EVENT_CLASSES) {
      for (const field of ['sent', 'acknowledged', 'visible', 'dropped', 'rejected', 'failed'] as const) {
        const sum = seconds.reduce((a, s) => a + s.classes[cls]![field]!, 0);
        assert.equal(sum, report.classes[cls][field], `${cls} ${field}`);
      }
      assert.ok(report.classes[cls].visible > 0);
    }
  });
});
