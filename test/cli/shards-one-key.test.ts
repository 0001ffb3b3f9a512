// Four shards of one run at once, each its own `ingestbench run --target posthog --shard i/4`
// process, all querying with ONE personal API key against a reference target whose cloud profile
// allows that key 100 queries a minute (PostHog keys the throttle on the key, not on a run or a
// shard). Each shard spends 1/4 of the scenario's (the key's) budget: nothing is throttled, the
// merged report is complete with 0 unverified events, and the queries stay within the key's budget
// by the shards' own count and by the target's.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import type { Report } from '../../src/report/report-types.js';
import { shortScenarioText } from '../short-scenario.js';
import { queryOutcomes } from '../target-queries.js';
import { runMain } from './run-main.js';
import { posthogEnv } from '../posthog-env.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const TOKEN = 'phc_oneKey';
const KEY = 'phx_oneKey';
const SHARDS = 4;
const PER_MINUTE = 100;

let work: string;
let reference: ReferenceTarget;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-one-key-'));
  reference = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN],
    personalKey: KEY,
    queryLimits: 'cloud',
    queryLimitOverrides: { perMinute: PER_MINUTE },
  });
});
after(async () => {
  await reference.stop();
  rmSync(work, { recursive: true, force: true });
});

/** One CLI process; resolves with its exit code and stderr. */
function runProcess(args: readonly string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe("4 shard processes with one key share the key's query budget", () => {
  let shards: Report[];
  let merged: Report;
  let stderrs: string[];
  let outcomes: Record<string, number>;

  before(async () => {
    const scenario = join(work, 'one-key.yaml');
    writeFileSync(
      scenario,
      shortScenarioText({
        name: 'one-key',
        seed: 23,
        // A minute of observation and more: long enough that four shards each planning on the
        // whole key's 100/min would send more than 100 in a minute.
        rate: 40,
        duration: '40s',
        populationSize: 400,
        pollInterval: '250ms',
        drainTimeout: '45s',
        sla: ['lost == 0'],
        // The target is PostHog Cloud's profile (a loopback host alone would plan self-hosted).
        limits: 'cloud',
        queriesPerMinute: PER_MINUTE,
      }),
    );
    const env = posthogEnv(reference, { token: TOKEN, personalKey: KEY });
    const out = join(work, 'shards');
    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        runProcess(
          [
            'run',
            scenario,
            '--target',
            'posthog',
            '--shard',
            `${i + 1}/${SHARDS}`,
            '--run-id',
            'one-key',
          ].concat(['--out', out, '--workers', '1', '--quiet']),
          env,
        ),
      ),
    );
    stderrs = runs.map((r) => r.stderr);
    for (const r of runs) assert.equal(r.code, EXIT_CODES.OK, r.stderr);
    shards = [1, 2, 3, 4].map(
      (i) => JSON.parse(readFileSync(join(out, `one-key-shard-${i}-of-4`, 'report.json'), 'utf8')) as Report,
    );
    outcomes = await queryOutcomes(reference.metricsUrl);
    const m = await runMain(['merge', out, '--out', join(work, 'merged')], { cwd: work });
    assert.equal(m.code, EXIT_CODES.OK, m.stderr);
    merged = JSON.parse(readFileSync(join(work, 'merged', 'one-key', 'report.json'), 'utf8')) as Report;
  });

  it('plans each shard on 1/4 of the key budget and says so before the load', () => {
    for (const [i, text] of stderrs.entries()) {
      assert.match(
        text,
        new RegExp(
          `budget +shard ${i + 1}/4 spends 1/4 of the key's query budget \\(100/min, 2,400/hour, 3 at once`,
        ),
      );
      assert.match(text, /≤ 25 queries\/min, ≤ 600\/hour, ≤ 1 at once/);
    }
    for (const [i, s] of shards.entries()) {
      assert.deepEqual(s.observation.budget.shard, {
        index: i + 1,
        count: 4,
        key: { perMinute: PER_MINUTE, perHour: 2400, concurrent: 3 },
      });
      assert.equal(s.observation.budget.perMinute, 25);
      assert.ok(
        s.observation.budget.peakPerMinute <= 25,
        `shard ${i + 1}: ${s.observation.budget.peakPerMinute}`,
      );
      assert.equal(s.observation.throttled, 0, `shard ${i + 1} was throttled`);
      assert.equal(s.observation.complete, true);
    }
  });

  it('merges into a complete report within the key budget, nothing throttled', () => {
    assert.equal(merged.totals.acknowledged, 1600);
    assert.equal(merged.totals.visible, 1600);
    assert.equal(merged.totals.unverified, 0);
    assert.equal(merged.observation.complete, true);
    assert.equal(merged.observation.throttled, 0);
    const b = merged.observation.budget;
    assert.deepEqual([b.perMinute, b.perHour, b.concurrent], [PER_MINUTE, 2400, 3]);
    // The sum of the shards' busiest minutes bounds the key's busiest minute from above.
    assert.ok(b.peakPerMinute <= PER_MINUTE, `at most ${b.peakPerMinute} queries in a minute`);
    assert.equal(b.summedPeaks?.shards, 4);
    assert.equal(
      merged.observation.queries,
      shards.reduce((sum, s) => sum + s.observation.queries, 0),
    );
  });

  it("is never throttled by the target's count either, which answered every query the shards sent", () => {
    const throttled = Object.entries(outcomes).filter(([k]) => k.startsWith('throttled'));
    assert.ok(throttled.length > 0, 'the target counts throttled queries');
    for (const [outcome, n] of throttled) assert.equal(n, 0, outcome);
    // Observation's queries, and each shard's preflight count and probe polls before it.
    assert.ok(outcomes['answered']! >= merged.observation.queries + SHARDS, JSON.stringify(outcomes));
  });
});
