// ingestbench as a library, the way a user gets it: `npm pack`, `npm install` of that tarball in
// an empty project (registry packages from the local npm cache where it has them), then a short
// scenario run through the public API, and a TypeScript file type-checked against the installed
// declarations. The install is the one the running Node would get:
// - Node >= 22.16 uses node:sqlite, so it installs with --omit=optional and must get no
//   better-sqlite3 at all;
// - Node 20 needs better-sqlite3 12, whose install script fetches a prebuilt binary. This machine
//   cannot reach GitHub, where those binaries live, so the test serves the binary this checkout
//   already has from a loopback mirror (prebuild-install's documented
//   npm_config_better_sqlite3_binary_host), as a machine with GitHub access would download it.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as api from '../src/index.js';
import { SQLITE_PACKAGE } from '../src/reference/store/sqlite.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const usesNodeSqlite = SQLITE_PACKAGE === 'node:sqlite';

describe('the public API (src/index.ts)', () => {
  it('exports the documented entry points', () => {
    for (const name of [
      'loadScenario',
      'parseScenario',
      'runScenario',
      'createKeyBudget',
      'startEmbeddedTarget',
      'startReferenceTarget',
      'startContainersTarget',
      'posthogTargetFromEnv',
      'resolveTarget',
      'writeReport',
      'renderMarkdown',
      'renderHtml',
      'renderJunit',
      'renderSummary',
      'main',
    ] as const) {
      assert.equal(typeof api[name], 'function', name);
    }
    assert.equal(api.REPORT_SCHEMA_VERSION, 2);
    assert.equal(api.EXIT_CODES.TARGET_UNREACHABLE, 3);
    assert.ok(new api.IngestbenchError('USAGE', 'x') instanceof Error);
  });
});

/** npm, run by the Node that runs this test (so engines and node:sqlite match the Node under test). */
function npmCli(): string {
  const fromNpm = process.env['npm_execpath'];
  if (fromNpm !== undefined && fromNpm.endsWith('.js')) return fromNpm;
  const onPath = (process.env['PATH'] ?? '')
    .split(':')
    .map((dir) => join(dir, 'npm'))
    .find((file) => existsSync(file));
  assert.ok(onPath, 'npm is on PATH');
  return realpathSync(onPath);
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Serves better-sqlite3's prebuilt binary in prebuild-install's layout, built from this checkout. */
async function prebuildMirror(work: string): Promise<{ server: Server; url: string; cached: string }> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
    version: string;
  };
  const name = `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const archive = join(work, name);
  await promisify(execFile)('tar', [
    '-czf',
    archive,
    '-C',
    join(ROOT, 'node_modules/better-sqlite3'),
    'build/Release/better_sqlite3.node',
  ]);
  const body = readFileSync(archive);
  const server = createServer((request, response) => {
    if (request.url === `/v${pkg.version}/${name}`) {
      response.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
      response.end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // prebuild-install keeps what it downloads in the npm cache, under a hash of the URL: removed
  // after the test, since the port (and so the URL) is never the same twice.
  const digest = createHash('sha512').update(`${url}/v${pkg.version}/${name}`).digest('hex').slice(0, 6);
  const cached = join(
    process.env['npm_config_cache'] ?? join(homedir(), '.npm'),
    '_prebuilds',
    `${digest}-${name}`,
  );
  return { server, url, cached };
}

const CONSUMER_SCRIPT = `
import { parseScenario, runScenario, startEmbeddedTarget, startReferenceTarget, writeReport, REPORT_FILES } from 'ingestbench';
import { readdirSync } from 'node:fs';

const scenario = parseScenario(process.env.SCENARIO, 'library.yaml');
const target = await startEmbeddedTarget();
let report;
try {
  report = await runScenario({ scenario, target, workers: 1 });
} finally {
  await target.stop();
}
const dir = await writeReport(report, process.env.OUT);
const reference = await startReferenceTarget({ port: 0, memory: true });
const ready = await fetch(reference.captureUrl + '/_readiness');
await reference.stop();
console.log(JSON.stringify({
  verdict: report.verdict,
  totals: report.totals,
  files: readdirSync(dir).sort(),
  expected: Object.values(REPORT_FILES).sort(),
  readiness: ready.status,
}));
`;

const CONSUMER_TYPES = `
import { loadScenario, runScenario, startEmbeddedTarget, writeReport, type Report, type Target } from 'ingestbench';

export async function benchmark(file: string, out: string): Promise<Report['verdict']> {
  const scenario = await loadScenario(file, { rate: 10 });
  const target: Target = await startEmbeddedTarget();
  try {
    const report: Report = await runScenario({ scenario, target, workers: 1 });
    await writeReport(report, out);
    return report.verdict;
  } finally {
    await target.stop();
  }
}

// @ts-expect-error: runScenario needs a scenario and a target
void runScenario({});
`;

const SCENARIO = `name: library
seed: 7
phases:
  - kind: steady
    rate: 100
    duration: 2s
batch_size: 20
population: { size: 200 }
behaviours:
  - kind: pageview
  - kind: identify
observation: { poll_interval: 250ms, drain_timeout: 20s }
sla:
  - lost == 0
  - duplicates == 0
`;

describe('npm pack → npm install → import', { timeout: 600_000 }, () => {
  let work: string;
  let mirror: { server: Server; url: string; cached: string } | null = null;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'ingestbench-pack-'));
  });
  after(async () => {
    if (mirror) {
      await new Promise((resolve) => mirror!.server.close(resolve));
      rmSync(mirror.cached, { force: true });
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('installs only what this Node needs and runs a scenario through the API, with types', async () => {
    const npm = npmCli();
    // dist/ is already built (npm test builds first): skip `prepare` so packing does not rebuild.
    const packed = await run(
      process.execPath,
      [npm, 'pack', '--ignore-scripts', '--json', '--pack-destination', work],
      {
        cwd: ROOT,
      },
    );
    assert.equal(packed.code, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    for (const required of [
      'LICENSE',
      'README.md',
      'package.json',
      'Dockerfile',
      'dist/src/index.js',
      'dist/src/index.d.ts',
    ]) {
      assert.ok(files.includes(required), `the package carries ${required}`);
    }
    assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/')), 'no tests or sources');

    const project = join(work, 'consumer');
    const nodeSqlite = usesNodeSqlite;
    rmSync(project, { recursive: true, force: true });
    (await import('node:fs')).mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { ingestbench: `file:../${info!.filename}` },
        allowScripts: {
          'better-sqlite3': !nodeSqlite,
          'cpu-features': false,
          ssh2: false,
          protobufjs: false,
        },
      }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (!nodeSqlite) {
      mirror = await prebuildMirror(work);
      env['npm_config_better_sqlite3_binary_host'] = mirror.url;
    }
    const installed = await run(
      process.execPath,
      [
        npm,
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...(nodeSqlite ? ['--omit=optional'] : []),
      ],
      { cwd: project, env },
    );
    assert.equal(installed.code, 0, installed.stderr);
    // The mirror's variable is prebuild-install's, not npm's: npm's notice about it is the test's own.
    const notices = installed.stderr
      .split('\n')
      .filter((line) => !line.includes('Unknown env config "better-sqlite3-binary-host"'))
      .join('\n');
    assert.doesNotMatch(notices, /EBADENGINE|gyp info/);
    // npm 11 lists the packages whose install scripts it skipped: none of ingestbench's dependencies.
    // (ingestbench's own `prepare` is listed because this is a tarball install; npm never runs it
    // for a package from the registry.)
    const skipped = [...notices.matchAll(/^npm warn install-scripts {3}(\S+)@\S+ \((\w+):/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    assert.deepEqual(
      skipped.filter((s) => s !== 'ingestbench prepare'),
      [],
    );
    const sqlite = join(project, 'node_modules/better-sqlite3');
    if (nodeSqlite) {
      assert.equal(existsSync(sqlite), false, 'no better-sqlite3 where node:sqlite is used');
    } else {
      assert.ok(existsSync(join(sqlite, 'build/Release/better_sqlite3.node')), 'better-sqlite3 12 prebuilt');
    }

    writeFileSync(join(project, 'consumer.mjs'), CONSUMER_SCRIPT);
    const out = join(project, 'report');
    const ran = await run(process.execPath, ['consumer.mjs'], {
      cwd: project,
      env: { ...process.env, SCENARIO, OUT: out },
    });
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout.trim().split('\n').at(-1)!) as {
      verdict: string;
      totals: api.Report['totals'];
      files: string[];
      expected: string[];
      readiness: number;
    };
    assert.equal(result.verdict, 'pass');
    assert.equal(result.totals.planned, 200);
    assert.equal(result.totals.acknowledged, 200);
    assert.equal(result.totals.visible, 200);
    assert.equal(result.totals.lost, 0);
    assert.deepEqual(result.files, result.expected);
    assert.equal(result.readiness, 200);

    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TYPES);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const typed = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project],
      {
        cwd: project,
      },
    );
    assert.equal(typed.code, 0, `${typed.stdout}${typed.stderr}`);
  });
});
