// `monitor --dashboard` watched in headless Chromium against the embedded target: the page's
// charts change between two moments, the status line names the monitor's SLA and oldest unseen
// age, every request the page made went to the dashboard's own origin, and after SIGINT (the
// signal aborted) the page shows the stopped monitor's final state. Skipped, with the reason,
// where Chromium is not installed.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { main } from '../../src/cli/main.js';
import { shortScenarioText } from '../short-scenario.js';
import { launchHeadless, skipWithoutChromium, UrlLine } from './headless-chromium.js';

const skip = skipWithoutChromium("the monitor's dashboard");

describe('monitor --dashboard in a browser', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingestbench-monitor-dashboard-'));
  let context: BrowserContext | undefined;
  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('charts change while it monitors, the status shows the SLA and unseen age; stopped, the page keeps the final state', async () => {
    const scenarioFile = join(dir, 'monitor.yaml');
    writeFileSync(
      scenarioFile,
      shortScenarioText({
        name: 'monitor-live',
        seed: 9,
        rate: 10,
        duration: '10s',
        populationSize: 200,
        pollInterval: '500ms',
        drainTimeout: '10s',
        sla: ['visible.p99 < 10s'],
        queriesPerMinute: 10_000,
        queriesPerHour: 100_000,
      }),
    );
    const stderr = new UrlLine(/dashboard (http:\/\/\S+)/);
    const stop = new AbortController();
    const monitor = main(
      [
        'monitor',
        scenarioFile,
        '--listen',
        '127.0.0.1:0',
        '--dashboard',
        '127.0.0.1:0',
        '--rate',
        '5',
        '--query-share',
        '1',
        '--sla-window',
        '10s',
      ],
      {
        stdout: new UrlLine(/dashboard (http:\/\/\S+)/),
        stderr,
        env: {},
        cwd: dir,
        signal: stop.signal,
        interactive: false,
      },
    );
    try {
      const url = await Promise.race([
        stderr.url,
        monitor.then((code) => {
          throw new Error(`monitor ended (${code}) before its dashboard line: ${stderr.text}`);
        }),
      ]);
      const origin = new URL(url).origin;
      context = await launchHeadless(dir);
      const page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => problems.push(error.message));
      const response = await page.goto(url);
      assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'none'/);

      // Moment one: the visible-latency chart has a line (events came back through the query
      // API); moment two: the charts have moved on.
      const POINTS = `[...document.querySelectorAll('#live svg polyline')].map((p) => p.getAttribute('points')).join('|')`;
      await page.waitForFunction(
        `[...document.querySelectorAll('#live svg .lag-line title')].some((t) => t.textContent.endsWith('p50'))`,
        null,
        { timeout: 120_000 },
      );
      const first = await page.evaluate<string>(POINTS);
      await page.waitForFunction(`(${POINTS}) !== ${JSON.stringify(first)}`, null, { timeout: 120_000 });
      assert.notEqual(await page.evaluate<string>(POINTS), first, 'the charts changed between two moments');

      const stage = await page.getAttribute('#stage', 'data-stage');
      assert.equal(stage, 'monitoring');
      const status = (await page.textContent('#monitor-status')) ?? '';
      assert.match(status, /SLA over the window: (ok|BROKEN)/);
      assert.match(status, /oldest unseen event/);
      assert.match(status, /last poll answered \d{4}-/);
      const counts = (await page.textContent('#counts')) ?? '';
      assert.match(counts, /lost/);
      assert.match((await page.textContent('#sla')) ?? '', /visible\.p99 < 10s.*oldest unseen event/s);
      assert.match((await page.textContent('#budget')) ?? '', /^\d+ queries/);

      // SIGINT: the final poll, the summary, exit 0; the page keeps the stopped monitor's state.
      stop.abort();
      assert.equal(await monitor, 0, stderr.text);
      assert.match(stderr.text, /monitor \S+ stopped after/);
      await page.waitForSelector('#stage[data-stage="stopped"]', { timeout: 60_000 });
      const sent = Number(/\n {2}sent\s+(\d+)/.exec(stderr.text)?.[1]);
      const shown = (await page.textContent('#counts')) ?? '';
      assert.ok(sent > 0, stderr.text);
      assert.match(shown, new RegExp(`anonymous${sent}`), `${shown} shows the summary's ${sent} sent`);

      assert.ok(requests.length >= 2, requests.join('\n'));
      assert.deepEqual(
        requests.filter((r) => new URL(r).origin !== origin),
        [],
        'every request the page made went to the dashboard',
      );
      assert.deepEqual(problems, []);
    } finally {
      stop.abort();
      await monitor.catch(() => undefined);
    }
  });
});
