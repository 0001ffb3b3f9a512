// `capacity --dashboard` through main() against the embedded target, read as a page reads it
// (server-sent events): while the search runs the view draws the current step's charts and the
// steps finished so far, and when it ends the final event is the capacity report (report.html of
// `capacity`), sent to the page that watched it.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CapacityReport } from '../../src/report/capacity-report.js';
import { shortScenarioText } from '../short-scenario.js';
import { UrlLine } from './headless-chromium.js';
import { readEvents } from './read-events.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-capacity-dashboard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

test('capacity --dashboard: step charts and finished steps while it searches, then the capacity report', async () => {
  const file = join(dir, 'capacity.yaml');
  writeFileSync(
    file,
    shortScenarioText({
      name: 'capacity-live',
      seed: 12,
      rate: 100,
      duration: '3s',
      populationSize: 400,
      pollInterval: '100ms',
      drainTimeout: '5s',
      sla: ['visible.p99 < 3s'],
    }),
  );
  const stdout = new TextSink();
  const stderr = new UrlLine(/dashboard: (http:\/\/\S+)/);
  const run = main(
    [
      'capacity',
      file,
      '--classes',
      'anonymous',
      '--step-duration',
      '1s',
      '--start-rate',
      '100',
      '--max-rate',
      '200',
      '--dashboard',
      '127.0.0.1:0',
      '--out',
      join(dir, 'reports'),
      '--json',
      '--workers',
      '1',
    ],
    { stdout, stderr, env: {}, cwd: dir, signal: new AbortController().signal, interactive: false },
  );
  const url = await Promise.race([
    stderr.url,
    run.then((code) => {
      throw new Error(`capacity ended (${code}) before its dashboard line: ${stderr.text}`);
    }),
  ]);
  const events = await readEvents(url, (seen) => seen.some((e) => e.event === 'final'));
  const code = await run;
  assert.equal(code, 0, stderr.text);
  const report = JSON.parse(stdout.text) as CapacityReport;

  const views = events.filter((e) => e.event === 'view').map((e) => e.data);
  assert.ok(
    views.some((v) => /capacity step \d+: anonymous at/.test(v) && v.includes('<polyline')),
    'a step drawn while it ran',
  );
  assert.ok(
    views.some((v) => /<h2>Capacity steps<\/h2><table id="steps">.*<td>anonymous<\/td>/s.test(v)),
    'the finished steps listed while the search went on',
  );
  const finals = events.filter((e) => e.event === 'final');
  assert.equal(finals.length, 1);
  assert.ok(finals[0]!.data.includes(`<title>ingestbench capacity ${report.run.id}: capacity-live</title>`));
  assert.match(stderr.text, /the final report went to 1 open page/);
});
