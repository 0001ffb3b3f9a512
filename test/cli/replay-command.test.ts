// `ingestbench replay` and a scenario's `replay:` field through main(argv, io): a bad line is
// refused with its file:line and exit 2 before anything reaches capture; a replay scenario runs
// through `run` with its file relative to the scenario; `validate` reads the file through.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import type { Report } from '../../src/report/report-types.js';
import { runMain } from './run-main.js';

let work: string;
let recorder: Server;
/** Every request that reached the recorder (capture and query alike). */
let received = 0;
let env: Record<string, string>;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-replay-cli-'));
  recorder = createServer((req, res) => {
    received++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Ok"}');
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
  env = {
    POSTHOG_HOST: url,
    POSTHOG_PROJECT_API_KEY: 'phc_replay_test',
    POSTHOG_PERSONAL_API_KEY: 'phx_replay_test',
    POSTHOG_PROJECT_ID: '1',
  };
});
after(async () => {
  await new Promise((resolve) => recorder.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function eventLine(i: number): string {
  return JSON.stringify({
    event: '$pageview',
    distinct_id: `user-${i % 5}`,
    properties: { $current_url: `https://example.com/${i}`, $process_person_profile: i % 2 === 0 },
    timestamp: new Date(Date.UTC(2024, 0, 1) + i * 100).toISOString(),
  });
}

const goodLines = (n: number): string[] => Array.from({ length: n }, (_, i) => eventLine(i));

describe('ingestbench replay', () => {
  it('refuses a malformed line with file:line and exit 2, and sends nothing', async () => {
    const cases: [name: string, line: string][] = [
      ['truncated.jsonl', '{"event": "$pageview", "distinct_id": "u1", "prop'],
      [
        'no-distinct-id.jsonl',
        JSON.stringify({ event: 'x y', properties: {}, timestamp: '2024-01-01T00:00:00Z' }),
      ],
      ['bad-time.jsonl', JSON.stringify({ event: 'x y', distinct_id: 'u', timestamp: 'yesterday' })],
      [
        'bad-properties.jsonl',
        JSON.stringify({ event: 'x y', distinct_id: 'u', properties: '{"a":', timestamp: 1 }),
      ],
    ];
    for (const [name, bad] of cases) {
      const lines = goodLines(2000);
      // Far into the file, after a few thousand good lines: found by the validating pass all the same.
      lines.splice(1500, 0, bad);
      writeFileSync(join(work, name), `${lines.join('\n')}\n`);
      const before = received;
      const result = await runMain(['replay', name, '--target', 'posthog', '--rate', '100', '--quiet'], {
        cwd: work,
        env,
      });
      assert.equal(result.code, EXIT_CODES.REPLAY_INVALID, `${name}: ${result.stderr}`);
      assert.ok(result.stderr.includes(`${name}:1501`), `${name}: names the line: ${result.stderr}`);
      assert.equal(received, before, `${name}: nothing reached the target`);
    }
  });

  it('refuses a missing file, and --speed with --rate, as usage errors', async () => {
    const missing = await runMain(['replay', 'nope.jsonl', '--target', 'posthog'], { cwd: work, env });
    assert.equal(missing.code, EXIT_CODES.REPLAY_INVALID);
    writeFileSync(join(work, 'ok.jsonl'), goodLines(3).join('\n'));
    const both = await runMain(['replay', 'ok.jsonl', '--speed', '2', '--rate', '5'], { cwd: work, env });
    assert.equal(both.code, EXIT_CODES.USAGE);
    const empty = join(work, 'empty.jsonl');
    writeFileSync(empty, '# nothing but a comment\n\n');
    const none = await runMain(['replay', empty, '--target', 'posthog'], { cwd: work, env });
    assert.equal(none.code, EXIT_CODES.REPLAY_INVALID);
    assert.equal(received, 0);
  });

  it("validate reads a replay scenario's file through and names a bad line", async () => {
    const dir = mkdtempSync(join(work, 'scenario-'));
    writeFileSync(join(dir, 'events.jsonl'), [...goodLines(10), '[1, 2]', ...goodLines(3)].join('\n'));
    writeFileSync(join(dir, 'replay.yaml'), 'replay: { file: events.jsonl, speed: 2 }\n');
    const result = await runMain(['validate', join(dir, 'replay.yaml')], { cwd: work });
    assert.equal(result.code, EXIT_CODES.REPLAY_INVALID);
    assert.ok(result.stderr.includes('events.jsonl:11'), result.stderr);
    writeFileSync(
      join(dir, 'both.yaml'),
      'replay: { file: events.jsonl }\nphases: [{ kind: steady, rate: 1, duration: 1s }]\n',
    );
    assert.equal(
      (await runMain(['validate', join(dir, 'both.yaml')], { cwd: work })).code,
      EXIT_CODES.SCENARIO_INVALID,
    );
  });

  it('runs a scenario with replay: through `run`, the file relative to the scenario', async () => {
    const dir = mkdtempSync(join(work, 'run-'));
    writeFileSync(join(dir, 'events.jsonl'), goodLines(120).join('\n'));
    writeFileSync(
      join(dir, 'replay.yaml'),
      'name: replayed\nreplay: { file: events.jsonl, rate: 120 }\nobservation: { poll_interval: 250ms, drain_timeout: 30s }\nsla: [lost == 0]\n',
    );
    const out = join(dir, 'reports');
    // From another directory: the file is found beside the scenario, not in the working directory.
    const result = await runMain(
      ['run', join(dir, 'replay.yaml'), '--out', out, '--json', '--quiet', '--workers', '2'],
      {
        cwd: work,
      },
    );
    assert.equal(result.code, EXIT_CODES.OK, result.stderr);
    assert.match(result.stderr, /replay +.*events\.jsonl: 120 events a pass/);
    const report = JSON.parse(result.stdout) as Report;
    assert.equal(report.totals.planned, 120);
    assert.equal(report.totals.visible, 120);
    assert.equal(report.totals.lost, 0);
    assert.equal(report.classes.anonymous.planned, 60);
    assert.equal(report.observation.method, 'exact');
    const written = JSON.parse(readFileSync(join(out, report.run.id, 'report.json'), 'utf8')) as Report;
    assert.equal(written.totals.visible, 120);
  });
});
