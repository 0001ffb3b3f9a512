// `compare` and `run --baseline` end to end on the embedded target: a run with 3 s of injected
// ingestion delay is a regression against a clean baseline (exit 1), a run compared with itself is
// not (exit 0), and both write their Markdown to $GITHUB_STEP_SUMMARY. A baseline of another
// report schema is refused before any load is sent.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../../src/report/report-types.js';
import { shortScenarioText } from '../short-scenario.js';
import { runMain } from './run-main.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-compare-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('compare and run --baseline', () => {
  let scenario: string;
  let baselineFile: string;
  let delayedFile: string;
  let summaryFile: string;

  before(async () => {
    scenario = join(work, 'compare.yaml');
    writeFileSync(
      scenario,
      shortScenarioText({
        name: 'compare-e2e',
        seed: 5,
        rate: 150,
        duration: '3s',
        populationSize: 300,
        pollInterval: '250ms',
        drainTimeout: '30s',
        sla: ['visible.p99 < 1m', 'lost == 0'],
      }),
    );
    const clean = await runMain(
      ['run', scenario, '--out', join(work, 'runs'), '--run-id', 'clean', '--workers', '1', '--quiet'],
      { cwd: work, env: { GITHUB_STEP_SUMMARY: join(work, 'clean-summary.md') } },
    );
    assert.equal(clean.code, EXIT_CODES.OK, clean.stderr);
    // `run` appends its own summary.md to the step summary, with or without a baseline.
    assert.equal(
      readFileSync(join(work, 'clean-summary.md'), 'utf8'),
      `${readFileSync(join(work, 'runs', 'clean', 'summary.md'), 'utf8')}\n`,
    );
    baselineFile = join(work, 'runs', 'clean', 'report.json');
    summaryFile = join(work, 'step-summary.md');
    const delayed = await runMain(
      [
        'run',
        scenario,
        '--out',
        join(work, 'runs'),
        '--run-id',
        'delayed',
        '--workers',
        '1',
        '--quiet',
        '--fault',
        'delay=3s',
        '--baseline',
        baselineFile,
      ],
      { cwd: work, env: { GITHUB_STEP_SUMMARY: summaryFile } },
    );
    // The SLA (visible within a minute, nothing lost) holds: the exit code is the regression's.
    assert.equal(delayed.code, EXIT_CODES.SLA_FAILED, delayed.stderr);
    delayedFile = join(work, 'runs', 'delayed', 'report.json');
    const report = JSON.parse(readFileSync(delayedFile, 'utf8')) as Report;
    assert.equal(report.verdict, 'pass', 'the report keeps the SLA verdict');
    assert.match(delayed.stderr, /compare: \d+ regression\(s\) against baseline clean: .*visible\.p99/);
  });

  it('run --baseline writes comparison.md beside the report and appends both to the step summary', () => {
    const comparison = readFileSync(join(work, 'runs', 'delayed', 'comparison.md'), 'utf8');
    assert.match(comparison, /## ingestbench compare: ❌/);
    const summary = readFileSync(summaryFile, 'utf8');
    assert.match(summary, /^# ingestbench: compare-e2e — ✅ pass/, 'the run summary first');
    assert.ok(summary.includes(comparison), 'then the comparison');
  });

  it('compare: 3 s of injected delay against a clean baseline is a regression (exit 1)', async () => {
    const stepSummary = join(work, 'compare-summary.md');
    const r = await runMain(['compare', baselineFile, delayedFile], {
      cwd: work,
      env: { GITHUB_STEP_SUMMARY: stepSummary },
    });
    assert.equal(r.code, EXIT_CODES.SLA_FAILED, r.stderr);
    const p99 = /\| visible\.p99 \| ([^|]+) \| ([^|]+) \| \+([^|]+) \|[^|]*\| ❌ regression \|/.exec(
      r.stdout,
    );
    assert.ok(p99, r.stdout);
    assert.match(r.stdout, /### Anonymous events[\s\S]*\| visible\.p99 [^\n]*❌ regression/);
    assert.match(r.stdout, /### Identified events[\s\S]*\| visible\.p99 [^\n]*❌ regression/);
    assert.equal(readFileSync(stepSummary, 'utf8'), `${r.stdout}\n`);
    // The baseline against the delayed run is an improvement, not a regression.
    const back = await runMain(['compare', delayedFile, baselineFile], { cwd: work });
    assert.equal(back.code, EXIT_CODES.OK, back.stdout);
  });

  it('compare: a run against itself passes (exit 0)', async () => {
    const r = await runMain(['compare', baselineFile, baselineFile], { cwd: work });
    assert.equal(r.code, EXIT_CODES.OK, r.stdout);
    assert.match(r.stdout, /## ingestbench compare: ✅ no regression/);
    assert.doesNotMatch(r.stdout, /❌/);
  });

  it('refuses a report of another schema version, and a bad limit, with exit 2 before any load', async () => {
    const old = join(work, 'old.json');
    const report = JSON.parse(readFileSync(baselineFile, 'utf8')) as Report;
    writeFileSync(old, JSON.stringify({ ...report, schemaVersion: REPORT_SCHEMA_VERSION + 1 }));
    const r = await runMain(['compare', old, baselineFile], { cwd: work });
    assert.equal(r.code, EXIT_CODES.USAGE);
    assert.match(
      r.stderr,
      new RegExp(`schemaVersion ${REPORT_SCHEMA_VERSION + 1}.*reads version ${REPORT_SCHEMA_VERSION}`),
    );
    const out = join(work, 'never');
    const run = await runMain(['run', scenario, '--out', out, '--baseline', old, '--quiet'], { cwd: work });
    assert.equal(run.code, EXIT_CODES.USAGE, run.stderr);
    assert.equal(existsSync(out) && readdirSync(out).length > 0, false, 'no run was made');
    const limit = await runMain(
      ['compare', baselineFile, baselineFile, '--max-regression', 'visible.p98=5%'],
      {
        cwd: work,
      },
    );
    assert.equal(limit.code, EXIT_CODES.USAGE);
    assert.match(limit.stderr, /unknown metric "visible\.p98"/);
  });
});
