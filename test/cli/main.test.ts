// The CLI end to end through main(argv, io): bad input exits 2 with the place named, an absent or
// refusing target exits 3 before any load, a good run exits 0 with a report that carries no
// secret, an interrupted run still writes a (partial, failing) report, and a run whose target
// loses acknowledged events fails its `lost == 0` check with exit 1.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { EXIT_CODES } from '../../src/errors.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import type { Report } from '../../src/report/report-types.js';
import { shortScenarioText } from '../short-scenario.js';
import { targetHogql } from '../target-hogql.js';
import { eventually } from '../eventually.js';
import { PROBE_EVENT } from '../../src/targets/probe-event.js';
import { posthogEnv } from '../posthog-env.js';

class TextSink extends Writable {
  text = '';
  constructor(private readonly onText?: (text: string) => void) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    this.onText?.(this.text);
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
  opts: {
    env?: Record<string, string>;
    cwd?: string;
    signal?: AbortSignal;
    /** Progress redrawn on every update (so a test can watch it), as on a terminal. */
    interactive?: boolean;
    onStderr?: (text: string) => void;
  } = {},
): Promise<MainResult> {
  const stdout = new TextSink();
  const stderr = new TextSink(opts.onStderr);
  const started = Date.now();
  const code = await main(argv, {
    stdout,
    stderr,
    env: opts.env ?? {},
    cwd: opts.cwd ?? work,
    signal: opts.signal ?? new AbortController().signal,
    interactive: opts.interactive ?? false,
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

  const envFor = (overrides: Record<string, string> = {}): Record<string, string> =>
    posthogEnv(
      reference,
      { token: TOKEN, personalKey: KEY },
      {
        // The query API on another URL (as PostHog Cloud has): the same server by another name.
        POSTHOG_QUERY_HOST: reference.queryUrl.replace('127.0.0.1', 'localhost'),
        ...overrides,
      },
    );
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
    // What bin.ts does on SIGINT, once the progress line shows events sent (fired on a timer, it
    // could land in the preflight on a slow machine: that is another test).
    const r = await runMain(['run', file, '--out', out], {
      signal: interrupt.signal,
      interactive: true,
      onStderr: (text) => {
        if (!interrupt.signal.aborted && /\bsent [1-9][\d,]*\//.test(text))
          interrupt.abort(new Error('SIGINT'));
      },
    });
    assert.equal(interrupt.signal.aborted, true, 'interrupted during the load');
    assert.equal(r.code, EXIT_CODES.SLA_FAILED, r.stderr);
    const { report } = onlyReport(out);
    assert.equal(report.run.partial, true);
    assert.equal(report.run.stop?.reason, 'interrupted');
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

describe('main: the probe preflight proves the token before any load', () => {
  // Two projects: a token of the second one is well-formed and accepted by capture, and its events
  // land in the second project, where a query of the first never sees them.
  const TOKEN_1 = 'phc_probeProjectOne11';
  const TOKEN_2 = 'phc_probeProjectTwo22';
  const KEY = 'phx_probePersonal33';
  let reference: ReferenceTarget;
  before(async () => {
    reference = await startReferenceTarget({
      port: 0,
      memory: true,
      tokens: [TOKEN_1, TOKEN_2],
      personalKey: KEY,
    });
  });
  after(() => reference.stop());

  const envFor = (overrides: Record<string, string> = {}): Record<string, string> =>
    posthogEnv(reference, { token: TOKEN_1, personalKey: KEY }, overrides);
  const scenario = (): string =>
    scenarioFile(
      'probe.yaml',
      loadScenario({ rate: 200, duration: '2s', drainTimeout: '10s', sla: ['lost == 0'] }),
    );

  /** HogQL against one of the reference's projects. */
  const hogql = (projectId: number, query: string): Promise<unknown[][]> =>
    targetHogql({ queryUrl: reference.queryUrl, projectId, personalKey: KEY }, query);
  const countWhere = async (projectId: number, where: string): Promise<number> =>
    Number((await hogql(projectId, `SELECT count() FROM events WHERE ${where}`))[0]?.[0]);

  it('a well-formed token of no project: capture refuses the probe (401), exit 3 naming the settings', async () => {
    const out = outDir('unknown-token');
    const unknown = 'phc_probeNoSuchProject44';
    const r = await runMain(
      ['run', scenario(), '--target', 'posthog', '--out', out, '--probe-timeout', '20s'],
      { env: envFor({ POSTHOG_PROJECT_API_KEY: unknown }) },
    );
    assert.equal(r.code, EXIT_CODES.TARGET_AUTH, r.stderr);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /does not know the project token \(HTTP 401: "API key does not belong to any project/,
    );
    assert.match(r.stderr, /check POSTHOG_PROJECT_API_KEY .* and that POSTHOG_HOST is the capture host/);
    assert.ok(r.ms < 15_000, `refused at once, not after the probe timeout (${r.ms} ms)`);
    assert.ok(!r.stderr.includes(unknown), 'the token is never printed');
    assert.doesNotMatch(r.stderr, /^load /m);
    assert.deepEqual(readdirSync(out), []);
  });

  it('--unknown-tokens accept (enforcement off): capture takes the probe, it never appears, exit 3', async () => {
    const accepting = await startReferenceTarget({
      port: 0,
      memory: true,
      tokens: [TOKEN_1],
      personalKey: KEY,
      unknownTokens: 'accept',
    });
    try {
      const out = outDir('unknown-token-accepted');
      const unknown = 'phc_probeNoSuchProject44';
      const r = await runMain(
        ['run', scenario(), '--target', 'posthog', '--out', out, '--probe-timeout', '2s'],
        {
          env: {
            ...envFor({ POSTHOG_PROJECT_API_KEY: unknown }),
            POSTHOG_HOST: accepting.captureUrl,
            POSTHOG_PROJECT_ID: String(accepting.projects[0]!.projectId),
          },
        },
      );
      assert.equal(r.code, EXIT_CODES.TARGET_PROBE_UNSEEN, r.stderr);
      assert.match(
        r.stderr,
        /capture acknowledged a probe event, but the query API did not return it within 2 s/,
      );
      assert.match(r.stderr, /token enforcement off or failing open/);
      assert.match(r.stderr, /billing quota/);
      assert.ok(!r.stderr.includes(unknown), 'the token is never printed');
      assert.deepEqual(readdirSync(out), []);
    } finally {
      await accepting.stop();
    }
  });

  it('a capture that answers 403 ingest_key_unknown: exit 3 before load, with capture’s code shown', async () => {
    // A capture front that refuses the probe's token with 403 and a JSON body naming
    // ingest_key_unknown, before the reference's own capture; queries go to the reference.
    const front = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { batch: unknown[] };
        if (body.batch.length === 0) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('request holds no event');
          return;
        }
        res.writeHead(403, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            type: 'authentication_error',
            code: 'ingest_key_unknown',
            detail: `Project API key ${TOKEN_1} is not known here.`,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const out = outDir('capture-403');
      const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out], {
        env: {
          ...envFor(),
          POSTHOG_HOST: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
          POSTHOG_QUERY_HOST: reference.queryUrl,
        },
      });
      assert.equal(r.code, EXIT_CODES.TARGET_AUTH, r.stderr);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /does not know the project token \(HTTP 403: .*ingest_key_unknown/);
      assert.match(r.stderr, /Project API key <token> is not known here/, 'the echoed token is masked');
      assert.ok(!r.stderr.includes(TOKEN_1), 'the token is never printed');
      assert.doesNotMatch(r.stderr, /^load /m);
      assert.deepEqual(readdirSync(out), []);
    } finally {
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });

  it('a token of another project: exit 3 naming the causes, with no load sent', async () => {
    const out = outDir('other-project');
    const r = await runMain(
      ['run', scenario(), '--target', 'posthog', '--out', out, '--probe-timeout', '3s'],
      {
        env: envFor({ POSTHOG_PROJECT_API_KEY: TOKEN_2 }),
      },
    );
    assert.equal(r.code, EXIT_CODES.TARGET_PROBE_UNSEEN, r.stderr);
    assert.match(r.stderr, /did not return it within 3 s, so no load was sent/);
    for (const cause of [
      'POSTHOG_PROJECT_API_KEY',
      'POSTHOG_PROJECT_ID',
      'another region',
      'billing quota',
      '--probe-timeout',
    ]) {
      assert.ok(r.stderr.includes(cause), `names ${cause}: ${r.stderr}`);
    }
    assert.doesNotMatch(r.stderr, /^load /m, 'no load progress');
    assert.deepEqual(readdirSync(out), []);
    for (const secret of [TOKEN_1, TOKEN_2, KEY]) assert.ok(!r.stderr.includes(secret), `${secret} printed`);
    // The probe went where the token points (project 2); no run event went anywhere.
    assert.ok((await countWhere(2, "event = 'ingestbench probe'")) >= 1, 'the probe landed in project 2');
    for (const project of [1, 2]) {
      assert.equal(
        await countWhere(project, "properties.ingestbench_class IN ('anonymous', 'identified')"),
        0,
      );
    }
  });

  it('the right token: the probe comes back, its latency is reported, and it is no run event', async () => {
    const out = outDir('probe-ok');
    const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out, '--quiet'], {
      env: envFor(),
    });
    assert.equal(r.code, 0, r.stderr);
    const { report } = onlyReport(out);
    assert.ok(report.preflight !== null);
    assert.ok(report.preflight.probeLatencyMs >= 0 && report.preflight.probesSent >= 1);
    assert.match(r.stderr, /preflight: the probe event came back through the query API in /);
    assert.equal(report.totals.planned, 400);
    assert.equal(report.totals.visible, 400);
    assert.equal(report.observation.foreignUuids, 0);
    assert.equal(
      await countWhere(1, `properties.ingestbench_probe = '${report.run.id}'`),
      report.preflight.probesSent,
    );
    assert.equal(await countWhere(1, `properties.ingestbench_run = '${report.run.id}'`), 400);
  });

  it('a project id that does not exist: the message names the environment variables, not internal fields', async () => {
    const out = outDir('no-project');
    const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out], {
      env: envFor({ POSTHOG_PROJECT_ID: '987654' }),
    });
    assert.equal(r.code, EXIT_CODES.TARGET_REFUSED, r.stderr);
    assert.match(r.stderr, /not found \(HTTP 404\): check POSTHOG_HOST \(or POSTHOG_QUERY_HOST\)/);
    assert.match(r.stderr, /and POSTHOG_PROJECT_ID/);
    assert.doesNotMatch(r.stderr, /queryUrl|projectId/);
  });

  it('Ctrl-C during the preflight is an interrupt (exit 130), not an unreachable target', async () => {
    const out = outDir('preflight-interrupt');
    const interrupt = new AbortController();
    // A token of the other project keeps the preflight waiting for its probe until interrupted:
    // the interrupt comes once that probe is stored in the other project (so the preflight is
    // certainly waiting for it), not after a guessed delay.
    const probes = (): Promise<number> => countWhere(2, `event = '${PROBE_EVENT}'`);
    const probesBefore = await probes();
    let probeStored: Promise<void> | undefined;
    const r = await runMain(['run', scenario(), '--target', 'posthog', '--out', out], {
      env: envFor({ POSTHOG_PROJECT_API_KEY: TOKEN_2 }),
      signal: interrupt.signal,
      onStderr: (text) => {
        if (probeStored === undefined && text.includes('preflight:')) {
          probeStored = eventually(
            'the probe stored in the other project',
            60_000,
            async () => (await probes()) > probesBefore,
          ).then(() => interrupt.abort(new Error('SIGINT')));
        }
      },
    });
    await probeStored;
    assert.ok(interrupt.signal.aborted);
    assert.equal(r.code, EXIT_CODES.INTERRUPTED, r.stderr);
    assert.match(r.stderr, /interrupted during the preflight: no load was sent/);
    assert.doesNotMatch(r.stderr, /unreachable/);
    assert.deepEqual(readdirSync(out), []);
  });
});

describe('main: a quota-limited project (the quota fault)', () => {
  it('fails the probe preflight with exit 3 before any load', async () => {
    const out = outDir('quota');
    const file = scenarioFile(
      'quota.yaml',
      loadScenario({ rate: 200, duration: '2s', drainTimeout: '5s', sla: ['lost == 0'] }),
    );
    // What PostHog does to a project over its quota: 200 at capture, dropped in ingestion.
    const r = await runMain(['run', file, '--fault', 'quota', '--probe-timeout', '2s', '--out', out]);
    assert.equal(r.code, EXIT_CODES.TARGET_PROBE_UNSEEN, r.stderr);
    assert.match(r.stderr, /billing quota/);
    assert.doesNotMatch(r.stderr, /^load /m);
    assert.deepEqual(readdirSync(out), []);
  });
});

describe('main: the report folder', () => {
  it('an --out that cannot be written fails with exit 2 before the target starts', async () => {
    const blocker = join(work, 'not-a-directory');
    writeFileSync(blocker, 'a file where the folder should be');
    const r = await runMain(['run', scenarioFile('out.yaml', VALID), '--out', join(blocker, 'reports')]);
    assert.equal(r.code, EXIT_CODES.USAGE, r.stderr);
    assert.match(
      r.stderr,
      /--out .*not-a-directory\/reports is not a writable directory \(ENOTDIR\).*nothing was sent/,
    );
    assert.doesNotMatch(r.stderr, /ingestbench run \d/, 'the run never started');
  });

  it('a report that cannot be written at the end: the summary is printed with where it failed, exit 4', async () => {
    const file = scenarioFile(
      'late.yaml',
      loadScenario({ rate: 200, duration: '2s', drainTimeout: '10s', sla: ['lost == 0'] }),
    );
    const out = outDir('late');
    const r = await runMain(['run', file, '--out', out], {
      // Once the load runs, the folder is replaced by a file: the check passed, the write fails.
      interactive: true,
      onStderr: (text) => {
        if (text.includes('\x1b[2Kload ') && statSync(out).isDirectory()) {
          rmSync(out, { recursive: true });
          writeFileSync(out, 'no longer a folder');
        }
      },
    });
    assert.equal(r.code, EXIT_CODES.INTERNAL, r.stderr);
    assert.ok(statSync(out).isFile());
    assert.match(r.stderr, /verdict: PASS/);
    assert.match(r.stderr, /report: NOT written: cannot write the report into .*late-/);
  });
});

describe('main: load applied', () => {
  it('a rate far beyond what the machine can send fails "load applied" with exit 1', async () => {
    // One request in flight of one event each: a few thousand events/s at most, asked for 200,000.
    const text = `${loadScenario({ rate: 1000, duration: '1s', drainTimeout: '10s', sla: ['duplicates == 0'] }).replace('batch_size: 50', 'batch_size: 1')}load:\n  max_in_flight: 1\n`;
    const out = outDir('overload');
    const r = await runMain([
      'run',
      scenarioFile('overload.yaml', text),
      '--rate',
      '200000',
      '--workers',
      '1',
      '--quiet',
      '--out',
      out,
    ]);
    assert.equal(r.code, EXIT_CODES.SLA_FAILED, r.stderr);
    const { report } = onlyReport(out);
    assert.equal(report.totals.planned, 200_000);
    assert.ok(report.totals.dropped > 100_000, `${report.totals.dropped} dropped`);
    const dropped = report.sla.find((c) => c.metric === 'dropped_share');
    const achieved = report.sla.find((c) => c.metric === 'rate.achieved_share');
    assert.equal(dropped?.check, 'load applied: dropped_share <= 1%');
    assert.equal(dropped.pass, false);
    assert.equal(dropped.value, report.totals.dropped / 200_000);
    assert.equal(achieved?.check, 'load applied: rate.achieved_share >= 99%');
    assert.equal(achieved.pass, false);
    assert.equal(achieved.value, report.totals.rate.achieved / report.totals.rate.target);
    assert.equal(report.verdict, 'fail');
    assert.match(r.stderr, /FAIL {2}load applied: dropped_share <= 1%/);
  });
});

describe('main: validate and help', () => {
  it('validate takes --rate and --duration and prints the total length', async () => {
    const file = scenarioFile(
      'phased.yaml',
      VALID.replace('phases:\n', 'phases:\n  - kind: warmup\n    rate: 10\n    duration: 30s\n'),
    );
    const r = await runMain(['validate', file, '--duration', '10s', '--rate', '50']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /length {4}40\.0 s of phases \+ drain ≤ 1m 00s = at most 1m 40s/);
    assert.match(r.stderr, /steady 10\.0 s @ 50\/s/);
  });

  it('-h, -v and help [command] print help and the version with exit 0', async () => {
    const h = await runMain(['-h']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^Usage: ingestbench <command>/m);
    const v = await runMain(['-v']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
    const help = await runMain(['help', 'run']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: ingestbench run <scenario\.yaml>/m);
    assert.match(help.stdout, /--duration D\s+set only the steady phase's duration/);
  });

  it('--workers above the core count warns; --workers 0 and --rate -5 are refused for their value', async () => {
    const zero = await runMain(['run', scenarioFile('w0.yaml', VALID), '--workers', '0']);
    assert.equal(zero.code, EXIT_CODES.USAGE);
    assert.match(zero.stderr, /--workers expects a whole number ≥ 1, got "0"/);
    const negative = await runMain(['run', scenarioFile('r5.yaml', VALID), '--rate', '-5']);
    assert.equal(negative.code, EXIT_CODES.USAGE);
    assert.match(negative.stderr, /--rate expects a number > 0, got "-5"/);
    assert.doesNotMatch(negative.stderr, /--rate=VALUE/);
    // The warning comes before anything starts (here the unwritable --out then stops the run).
    const blocker = join(work, 'workers-blocker');
    writeFileSync(blocker, '');
    const many = await runMain([
      'run',
      scenarioFile('w64.yaml', VALID),
      '--workers',
      '64',
      '--out',
      join(blocker, 'x'),
    ]);
    assert.equal(many.code, EXIT_CODES.USAGE);
    assert.match(many.stderr, new RegExp(`warning: --workers 64 on ${availableParallelism()} cores`));
  });
});
