// `run --dashboard` watched in headless Chromium while the run runs, with --timeline-out beside it:
// the page's charts change between two moments of the run, the page becomes the final report when
// the run ends, every request the page made went to the dashboard's own origin, and every NDJSON
// line parses, its seconds summing to the report's counts. Skipped, with the reason, where
// Chromium is not installed.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/report/report-types.js';
import { EVENT_CLASSES } from '../../src/scenario/scenario.js';
import { shortScenarioText } from '../short-scenario.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM}: the dashboard is not checked in a browser`;

/** stderr that resolves `url` as soon as the dashboard line is printed. */
class DashboardLine extends Writable {
  text = '';
  readonly url: Promise<string>;
  private found!: (url: string) => void;
  constructor() {
    super();
    this.url = new Promise((resolve) => (this.found = resolve));
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    const match = /dashboard: (http:\/\/\S+)/.exec(this.text);
    if (match) this.found(match[1]!);
    done();
  }
}

describe('run --dashboard in a browser, and --timeline-out', { skip }, () => {
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
    const stderr = new DashboardLine();
    const stdout = new DashboardLine();
    const run = main(
      [
        'run',
        scenarioFile,
        '--dashboard',
        '127.0.0.1:0',
        '--timeline-out',
        timelineFile,
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
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      // The page's CSP forbids eval, which Playwright's waitForFunction needs; requests are
      // recorded whatever the CSP, and the header itself is asserted below.
      bypassCSP: true,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
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

    // Moment one: the load is running and a chart has points; moment two: the same chart has more.
    const POINTS = `[...document.querySelectorAll('#live svg polyline')].map((p) => p.getAttribute('points')).join('|')`;
    const eventsChart = (): Promise<string> => page.evaluate<string>(POINTS);
    await page.waitForFunction(`document.querySelectorAll('#live svg polyline').length > 0`, null, {
      timeout: 120_000,
    });
    const first = await eventsChart();
    const firstCounts = await page.textContent('#counts');
    await page.waitForFunction(`(${POINTS}) !== ${JSON.stringify(first)}`, null, { timeout: 120_000 });
    const second = await eventsChart();
    assert.notEqual(second, first, 'the charts changed between two moments');
    assert.ok(firstCounts !== null && firstCounts.includes('anonymous'));

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
