// `ingestbench monitor` through main(): usage errors before anything starts, and a short monitor
// of the embedded target stopped by the signal (exit 0, the plan lines, the summary, a log line);
// then the process itself (bin.js) stopped by a real SIGTERM, and by SIGINT: exit 0 and the summary.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { eventually } from '../eventually.js';
import { runMain } from './run-main.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ingestbench-monitor-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ingestbench monitor', () => {
  it('refuses bad flags with exit 2 before starting a target', async () => {
    for (const flags of [
      ['--listen', 'nowhere'],
      ['--query-share', '2'],
      ['--sla-window', 'soon'],
      ['--target', 'containers'],
    ]) {
      const r = await runMain(['monitor', 'scenarios/quickstart.yaml', ...flags], { cwd: ROOT });
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
    }
  });

  it('monitors the embedded target until the signal, then prints a summary and exits 0', async () => {
    const port = await freePort();
    const log = join(dir, 'monitor.ndjson');
    const stop = new AbortController();
    const running = runMain(
      [
        'monitor',
        'scenarios/quickstart.yaml',
        '--listen',
        `127.0.0.1:${port}`,
        '--query-share',
        '1',
        '--rate',
        '2',
        '--log',
        log,
      ],
      { cwd: ROOT, signal: stop.signal },
    );
    // Wait for the metrics to be served and some events to be seen, then stop it.
    const visible = await eventually('four visible anonymous events', 120_000, async () => {
      try {
        const text = await (await request(`http://127.0.0.1:${port}/metrics`)).body.text();
        const n = Number(/ingestbench_events_visible_total\{class="anonymous"\} (\d+)/.exec(text)?.[1] ?? 0);
        return n >= 4 ? n : undefined;
      } catch {
        return undefined; // not listening yet
      }
    });
    stop.abort();
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /sends {5}2 event\/s per class/);
    assert.match(r.stderr, /queries {3}2400\/h and 240\/min at most: 100 % of the key's/);
    assert.match(r.stderr, /deadline {2}30 s \(sla "visible\.p99 < 30s"\)/);
    assert.match(r.stderr, /monitor monitor-\S+ stopped after/);
    assert.doesNotMatch(r.stderr, /phx_|phc_/, 'no token or key in the output');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, 'under a minute: only the line at stop');
    const last = JSON.parse(lines[0]!) as { totals: { classes: { anonymous: { visible: number } } } };
    assert.ok(last.totals.classes.anonymous.visible >= visible);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`the process stopped by ${signal}: a final poll, the summary, exit 0`, async () => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'monitor',
          'scenarios/quickstart.yaml',
          '--listen',
          '127.0.0.1:0',
          '--query-share',
          '1',
          '--rate',
          '2',
        ],
        { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, killedBy) => resolve({ code, signal: killedBy }));
      });
      try {
        const url = await eventually(
          'the metrics line',
          120_000,
          () => /metrics {3}(http:\/\/\S+\/metrics)/.exec(stderr)?.[1],
        );
        const visible = await eventually('two visible events of each class', 120_000, async () => {
          const text = await (await request(url)).body.text();
          const n = (cls: string): number =>
            Number(
              new RegExp(`ingestbench_events_visible_total\\{class="${cls}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
            );
          return n('anonymous') >= 2 && n('identified') >= 2 ? n('anonymous') : undefined;
        });
        child.kill(signal);
        const { code, signal: killedBy } = await exited;
        assert.deepEqual({ code, killedBy }, { code: 0, killedBy: null }, stderr);
        assert.match(stderr, new RegExp(`ingestbench: ${signal} received, stopping`));
        assert.match(stderr, /monitor monitor-\S+ stopped after/);
        const summaryVisible = Number(/\n {2}visible\s+(\d+)/.exec(stderr)?.[1]);
        assert.ok(
          summaryVisible >= visible,
          `${summaryVisible} visible in the summary, ${visible} scraped before`,
        );
        assert.match(stderr, /held at stop \d+, oldest unseen/);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
    });
  }
});
