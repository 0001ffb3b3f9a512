// report.html opened in headless Chromium as a user would open the file: the lag-over-time chart
// renders (its SVG laid out with a size, one line per class and percentile, titled axes with
// duration labels, a legend) and the page logs no console errors. Skipped, with the reason, where
// Chromium is not installed (.ci/run installs it).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildReport } from '../../src/report/build-report.js';
import { writeReport } from '../../src/report/write-report.js';
import { lagInputs } from './lag-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium): report.html is not checked in a browser`;

describe('report.html in a browser', { skip }, () => {
  let dir: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ingestbench-html-'));
    await writeReport(buildReport(lagInputs()), join(dir, 'report'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1000, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(pathToFileURL(join(dir, 'report', 'report.html')).href);
  });

  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the lag chart: laid out, one line per class and percentile, titled axes', async () => {
    const chart = page.locator('#lag-over-time svg[aria-label^="Visible latency over the run"]');
    assert.equal(await chart.count(), 1);
    const box = await chart.boundingBox();
    assert.ok(box !== null && box.width > 300 && box.height > 150, `chart box ${JSON.stringify(box)}`);
    // Every second of this run has a p50 and p99 per class from second 10 on: one unbroken line each.
    assert.equal(await chart.locator('polyline.lag-line').count(), 4);
    const lineTitles = await chart.locator('polyline.lag-line > title').allTextContents();
    assert.deepEqual(lineTitles, ['anonymous p50', 'anonymous p99', 'identified p50', 'identified p99']);
    assert.equal(await chart.locator('polyline.lag-line[stroke-dasharray]').count(), 2, 'p99 lines dashed');
    assert.deepEqual(await chart.locator('text.axis-title').allTextContents(), [
      "intended send time (since the run's start)",
      'visible latency',
    ]);
    const legend = await chart.locator('g.legend text').allTextContents();
    assert.deepEqual(legend, ['anonymous p50', 'anonymous p99', 'identified p50', 'identified p99']);
    const texts = await chart.locator('text').allTextContents();
    // Y gridlines at round durations (identified p99 peaks under 4 s), x ticks in time since start.
    for (const label of ['0', '1.00 s', '2.00 s', '3.00 s', '4.00 s', '0 s', '1m 33s'])
      assert.ok(texts.includes(label), `no axis label ${label} in ${JSON.stringify(texts)}`);
    assert.equal(await chart.locator('rect.trend-window').count(), 1, 'the steady window is shaded');
    const png = await chart.screenshot();
    assert.ok(png.length > 5_000, `a ${png.length}-byte screenshot: the chart drew little`);
  });

  it('says whether lag grew, and shows events per second for each class beside the chart', async () => {
    const section = page.locator('#lag-over-time');
    const text = await section.innerText();
    assert.match(text, /visible p50 trend over steady phase/);
    assert.match(text, /identified \+\d+(\.\d)? ms\/min \([^)]*grew\)/);
    assert.match(text, /anonymous [+-]\d+(\.\d)? ms\/min \([^)]*flat: within the resolution\)/);
    for (const cls of ['anonymous', 'identified']) {
      const chart = section.locator(`svg[aria-label="${cls} events per second"]`);
      assert.equal(await chart.count(), 1);
      assert.equal(await chart.locator('polyline').count(), 3);
    }
  });

  it('logs no console errors and loads nothing from outside the file', () => {
    assert.deepEqual(problems, []);
  });
});
