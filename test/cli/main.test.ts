// The CLI end to end through main(argv, io): bad input exits 2 with the place named, an absent or
// refusing target exits 3 before any load, a good run exits 0 with a report that carries no
// secret, an interrupted run still writes a (partial, failing) report, and a run whose target
// loses acknowledged events fails its `lost == 0` check with exit 1.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { EXIT_CODES } from '../../src/errors.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import type { Report } from '../../src/report/report-types.js';
import { shortScenarioText } from '../short-scenario.js';

class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface MainResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

async function runMain(
  argv: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; signal?: AbortSignal } = {},
): Promise<MainResult> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const started = Date.now();
  const code = await main(argv, {
    stdout,
    stderr,
    env: opts.env ?? {},
    cwd: opts.cwd ?? work,
    signal: opts.signal ?? new AbortController().signal,
    interactive: false,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, ms: Date.now() - started };
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-main-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Writes a scenario file into the test's directory and returns its absolute path. */
function scenarioFile(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

/** A fresh, empty report directory. */
function outDir(name: string): string {
  return mkdtempSync(join(work, `${name}-`));
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The one run directory main() wrote under `out`, and its report.json. */
function onlyReport(out: string): { dir: string; report: Report } {
  const runs = readdirSync(out);
  assert.equal(runs.length, 1, `one run directory in ${out}: ${runs.join(', ')}`);
  const dir = join(out, runs[0]!);
  return { dir, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report };
}

/** A short scenario: `rate` events/s of anonymous and identified events for `duration`. */
function loadScenario(opts: { rate: number; duration: string; drainTimeout: string; sla: string[] }): string {
  return shortScenarioText({ name: 'cli-e2e', seed: 3, populationSize: 300, pollInterval: '250ms', ...opts });
}

const VALID = `name: t
phases:
  - kind: steady
    rate: 100
    duration: 10s
behaviours:
  - kind: pageview
`;

describe('main: bad input exits 2 and says where', () => {
  const cases: { name: string; text: string; line: number; says: RegExp }[] = [
    {
      name: 'invalid YAML',
      text: VALID.replace('    duration: 10s\n', '    duration: 10s\n   oops: [\n'),
      line: 6,
      says: /YAML syntax/,
    },
    {
      name: 'an unknown field, with the field it probably meant',
      text: VALID.replace('duration: 10s', 'duraton: 10s'),
      line: 5,
      says: /unknown field "duraton" \(did you mean "duration"\?\)/,
    },
    {
      name: 'a wrong type',
      text: VALID.replace('rate: 100', 'rate: fast'),
      line: 4,
      says: /phases\[0\]\.rate: expected a number/,
    },
    {
      name: 'a negative rate',
      text: VALID.replace('rate: 100', 'rate: -5'),
      line: 4,
      says: /phases\[0\]\.rate: .*-5/,
    },
    {
      name: 'an SLA expression that does not parse',
      text: `${VALID}sla:\n  - visible.p99 <<< 5m\n`,
      line: 9,
      says: /sla\[0\]: .*"<<<"/,
    },
  ];
  for (const c of cases) {
    it(`run: ${c.name}`, async () => {
      const file = scenarioFile(`bad-${c.line}-${c.name.replace(/\W+/g, '-')}.yaml`, c.text);
      const out = outDir('bad');
      const r = await runMain(['run', file, '--out', out, '--quiet']);
      assert.equal(r.code, EXIT_CODES.SCENARIO_INVALID, r.stderr);
      assert.ok(r.stderr.includes(`${file}:${c.line}:`), `file:line in\n${r.stderr}`);
      assert.match(r.stderr, c.says);
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(out), [], 'no report for a run that never started');
    });
  }

  it('run: a scenario file that does not exist', async () => {
    const file = join(work, 'no-such-scenario.yaml');
    const r = await runMain(['run', file, '--quiet']);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(file), r.stderr);
    assert.match(r.stderr, /no such file/);
  });

  it('run: an unknown flag, with the flag it probably meant', async () => {
    const r = await runMain(['run', scenarioFile('flag.yaml', VALID), '--rat', '5']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --rat .*did you mean --rate\?/);
  });

  it('validate: 0 for a valid file, 2 with file:line for a bad one', async () => {
    const good = scenarioFile('valid.yaml', VALID);
    const ok = await runMain(['validate', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /valid/);
    const bad = scenarioFile('invalid.yaml', VALID.replace('rate: 100', 'rate: -1'));
    const refused = await runMain(['validate', bad]);
    assert.equal(refused.code, 2);
    assert.ok(refused.stderr.includes(`${bad}:4:`), refused.stderr);
  });

  it('schema: prints the scenario JSON Schema, and only that, on stdout', async () => {
    const r = await runMain(['schema']);
    assert.equal(r.code, 0);
    const schema = JSON.parse(r.stdout) as { properties?: { phases?: { type?: string } } };
    assert.equal(schema.properties?.phases?.type, 'array');
  });
});

describe('main: --target posthog', () => {
  // Distinctive secrets, so finding one anywhere it should not be is unambiguous.
  const TOKEN = 'phc_cliE2eToken7f3a9c';
  const KEY = 'phx_cliE2ePersonal4b8d1e';
  let reference: ReferenceTarget;
  before(async () => {
    reference = await startReferenceTarget({ port: 0, memory: true, tokens: [TOKEN], personalKey: KEY });
  });
  after(() => reference.stop());

  const envFor = (overrides: Record<string, string> = {}): Record<string, string> => ({
    POSTHOG_HOST: reference.captureUrl,
    // The query API on another URL (as PostHog Cloud has): the same server by another name.
    POSTHOG_QUERY_HOST: reference.queryUrl.replace('127.0.0.1', 'localhost'),
    POSTHOG_PROJECT_API_KEY: TOKEN,
    POSTHOG_PERSONAL_API_KEY: KEY,
    POSTHOG_PROJECT_ID: String(reference.projects[0]!.projectId),
    ...overrides,
  });
  const scenario = (): string =>
    scenarioFile(
      'posthog.yaml',
      loadScenario({ rate: 500, duration: '2s', drainTimeout: '15s', sla: ['lost == 0', 'duplicates == 0'] }),
    );

  it('a capture host where nothing listens: exit 3 before any load', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve, reject) =>
      closed.close((error) => (error ? reject(error) : resolve())),
    );
    const host = `http://127.0.0.1:${port}`;
    const out = outDir('unreachable');
    const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out], {
      env: envFor({ POSTHOG_HOST: host, POSTHOG_QUERY_HOST: host }),
    });
    assert.equal(r.code, EXIT_CODES.TARGET_UNREACHABLE, r.stderr);
    assert.match(r.stderr, /unreachable/);
    assert.ok(r.stderr.includes(`127.0.0.1:${port}`), r.stderr);
    assert.doesNotMatch(r.stderr, /^load /m, 'no load progress');
    assert.deepEqual(readdirSync(out), []);
    assert.ok(r.ms < 15_000, `${r.ms} ms`);
  });

  it('a wrong personal key: exit 3, and no key is ever printed', async () => {
    const wrong = 'phx_cliE2eWrongKey00000';
    const out = outDir('wrong-key');
    const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out], {
      env: envFor({ POSTHOG_PERSONAL_API_KEY: wrong }),
    });
    assert.equal(r.code, EXIT_CODES.TARGET_AUTH, r.stderr);
    assert.match(r.stderr, /personal API key/);
    for (const secret of [wrong, KEY, TOKEN]) {
      assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `${secret} printed`);
    }
    assert.deepEqual(readdirSync(out), []);
  });

  it('a correct environment: exit 0 with a report, and no secret in any output or report file', async () => {
    const out = outDir('posthog');
    const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out], { env: envFor() });
    assert.equal(r.code, 0, r.stderr);
    const { dir, report } = onlyReport(out);
    assert.equal(report.run.target.kind, 'posthog');
    assert.equal(report.run.target.captureUrl, reference.captureUrl);
    assert.match(report.run.target.queryUrl, /^http:\/\/localhost:\d+$/);
    assert.equal(report.totals.planned, 1000);
    assert.equal(report.totals.acknowledged, 1000);
    assert.equal(report.totals.visible, 1000);
    assert.equal(report.totals.lost, 0);
    assert.equal(report.totals.duplicates, 0);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.cost, null, 'a posthog target exposes no reference metrics');
    const files = filesUnder(dir);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)).sort(), [
      'junit.xml',
      'report.html',
      'report.json',
      'summary.md',
    ]);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(TOKEN), `project token in ${file}`);
      assert.ok(!text.includes(KEY), `personal key in ${file}`);
    }
    for (const secret of [TOKEN, KEY]) {
      assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `${secret} printed`);
    }
  });
});

describe('main: runs against the embedded target', () => {
  it('SIGINT during a run: exit 1 with a partial, failing report written', async () => {
    const file = scenarioFile(
      'interrupted.yaml',
      loadScenario({ rate: 300, duration: '10s', drainTimeout: '15s', sla: ['lost == 0'] }),
    );
    const out = outDir('interrupted');
    const interrupt = new AbortController();
    // What bin.ts does on SIGINT, 1.5 s into a 10 s schedule.
    const timer = setTimeout(() => interrupt.abort(new Error('SIGINT')), 1500);
    const r = await runMain(['run', file, '--out', out, '--quiet'], { signal: interrupt.signal }).finally(
      () => clearTimeout(timer),
    );
    assert.equal(r.code, EXIT_CODES.SLA_FAILED, r.stderr);
    assert.ok(r.ms < 9_000, `stopped early, not after the schedule: ${r.ms} ms`);
    const { report } = onlyReport(out);
    assert.equal(report.run.partial, true);
    assert.equal(report.verdict, 'fail');
    assert.ok(
      report.sla.some((c) => c.metric === 'run.completed' && !c.pass),
      'the interruption is a failed check',
    );
    // Some of the schedule was sent, the rest is accounted for as never sent.
    assert.equal(report.totals.planned, 3000);
    assert.ok(report.totals.sent > 0 && report.totals.sent < 3000, `${report.totals.sent} sent`);
    assert.equal(report.totals.sent + report.totals.dropped, 3000);
  });

  it('a target that acknowledges and then loses events fails `lost == 0` with exit 1; --json prints the report alone', async () => {
    // Lost events keep the drain open to its timeout: a short one keeps the test short.
    const file = scenarioFile(
      'lossy.yaml',
      loadScenario({ rate: 500, duration: '2s', drainTimeout: '6s', sla: ['lost == 0'] }),
    );
    const out = outDir('lossy');
    const r = await runMain([
      'run',
      file,
      '--fault',
      'drop-after-ack=0.05',
      '--json',
      '--quiet',
      '--out',
      out,
    ]);
    assert.equal(r.code, EXIT_CODES.SLA_FAILED, r.stderr);
    const printed = JSON.parse(r.stdout) as Report;
    assert.match(r.stdout, /^\{[\s\S]*\}\n$/, 'stdout is one JSON document');
    const { report } = onlyReport(out);
    assert.deepEqual(printed, report, 'stdout holds the report.json that was written');
    assert.equal(report.totals.acknowledged, 1000);
    assert.ok(report.totals.lost > 0, `${report.totals.lost} lost`);
    assert.equal(report.totals.lost, report.totals.acknowledged - report.totals.visible);
    const lost = report.sla.find((c) => c.metric === 'lost');
    assert.equal(lost?.pass, false);
    assert.equal(lost?.value, report.totals.lost);
    assert.equal(report.verdict, 'fail');
    assert.match(r.stderr, /verdict: FAIL/);
  });
});
