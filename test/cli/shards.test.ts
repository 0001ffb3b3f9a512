// Four shards of one run in parallel against one reference target (as `serve` would be, reached
// through the posthog target's environment), then `merge`: the merged report is the sum of its
// parts (counts exactly, histogram counts, percentiles read from the merged histograms), the
// target's own rows show that no uuid collided across shards, and each shard saw only its events.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';
import { decodeHistogram, latencySummary } from '../../src/measure/latency-summary.js';
import { startReferenceTarget, type ReferenceTarget } from '../../src/reference/start-reference-target.js';
import type { Report } from '../../src/report/report-types.js';
import { shortScenarioText } from '../short-scenario.js';
import { runMain } from './run-main.js';
import { posthogEnv } from '../posthog-env.js';

const TOKEN = 'phc_shardsE2e';
const KEY = 'phx_shardsE2e';
const SHARDS = 4;
const RATE = 200;
const SECONDS = 3;

let work: string;
let reference: ReferenceTarget;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ingestbench-shards-'));
  reference = await startReferenceTarget({ port: 0, memory: true, tokens: [TOKEN], personalKey: KEY });
});
after(async () => {
  await reference.stop();
  rmSync(work, { recursive: true, force: true });
});

const readJson = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;

async function hogql(query: string): Promise<unknown[][]> {
  const projectId = reference.projects[0]!.projectId;
  const res = await fetch(`${reference.queryUrl}/api/projects/${projectId}/query/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { kind: 'HogQLQuery', query }, refresh: 'force_blocking' }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { results: unknown[][] }).results;
}

describe('4 shards in parallel against one target, then merge', () => {
  let shards: Report[];
  let merged: Report;
  let mergeStderr: string;

  before(async () => {
    const scenario = join(work, 'shards.yaml');
    writeFileSync(
      scenario,
      shortScenarioText({
        name: 'shards-e2e',
        seed: 11,
        rate: RATE,
        duration: `${SECONDS}s`,
        populationSize: 400,
        pollInterval: '250ms',
        drainTimeout: '30s',
        sla: ['lost == 0', 'duplicates == 0', `sent >= ${RATE * SECONDS}`],
      }),
    );
    const env = posthogEnv(reference, { token: TOKEN, personalKey: KEY });
    const out = join(work, 'shards');
    const results = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        runMain(
          [
            'run',
            scenario,
            '--target',
            'posthog',
            '--shard',
            `${i + 1}/${SHARDS}`,
            '--run-id',
            'e2e',
            '--out',
            out,
            '--workers',
            String(1 + (i % 2)),
            '--quiet',
          ],
          { cwd: work, env },
        ),
      ),
    );
    // Each shard sends a quarter of the run, so its `sent >= 600` check fails on its own.
    for (const r of results) assert.equal(r.code, EXIT_CODES.SLA_FAILED, r.stderr);
    assert.deepEqual(
      readdirSync(out).sort(),
      [1, 2, 3, 4].map((i) => `e2e-shard-${i}-of-4`),
    );
    shards = [1, 2, 3, 4].map((i) => readJson(join(out, `e2e-shard-${i}-of-4`, 'report.json')));
    const summary = join(work, 'merge-summary.md');
    const m = await runMain(['merge', out, '--out', join(work, 'merged')], {
      cwd: work,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.equal(m.code, EXIT_CODES.OK, m.stderr);
    mergeStderr = m.stderr;
    merged = readJson(join(work, 'merged', 'e2e', 'report.json'));
    assert.match(readFileSync(summary, 'utf8'), /^# ingestbench: shards-e2e — ✅ pass/);
    assert.deepEqual(readdirSync(join(work, 'merged', 'e2e')).sort(), [
      'junit.xml',
      'report.html',
      'report.json',
      'summary.md',
    ]);
  });

  it('sends each shard its share and observes only its own events', () => {
    const planned = shards.map((s) => s.totals.planned);
    assert.equal(
      planned.reduce((a, b) => a + b, 0),
      RATE * SECONDS,
    );
    for (const s of shards) {
      assert.equal(s.totals.planned, (RATE * SECONDS) / SHARDS);
      assert.equal(s.totals.acknowledged, s.totals.planned);
      assert.equal(s.totals.visible, s.totals.planned, 'sees all of its own events…');
      assert.equal(s.observation.foreignUuids, 0, '…and none of the others');
      assert.equal(s.totals.lost, 0);
      assert.equal(s.totals.duplicates, 0);
    }
  });

  it('merges into the sum of its parts', () => {
    assert.equal(merged.run.id, 'e2e');
    assert.deepEqual(merged.run.merged, { count: 4, present: [1, 2, 3, 4], missing: [], partial: [] });
    for (const field of [
      'planned',
      'sent',
      'acknowledged',
      'rejected',
      'dropped',
      'failed',
      'visible',
      'lost',
      'duplicates',
    ] as const) {
      assert.equal(
        merged.totals[field],
        shards.reduce((sum, s) => sum + s.totals[field], 0),
        field,
      );
      for (const c of ['anonymous', 'identified'] as const) {
        assert.equal(
          merged.classes[c][field],
          shards.reduce((sum, s) => sum + s.classes[c][field], 0),
          `${c}.${field}`,
        );
      }
    }
    assert.equal(merged.totals.sent, RATE * SECONDS);
    assert.equal(
      merged.requests.sent,
      shards.reduce((sum, s) => sum + s.requests.sent, 0),
    );
    assert.equal(merged.run.workers, 1 + 2 + 1 + 2);
    for (const metric of ['visible', 'ack', 'sendDelay'] as const) {
      for (const scope of ['all', 'anonymous', 'identified'] as const) {
        const parts = shards.map((s) => s.latency[metric][scope]);
        const figure = merged.latency[metric][scope];
        assert.equal(
          figure.count,
          parts.reduce((sum, p) => sum + p.count, 0),
          `${metric}.${scope} count`,
        );
        assert.equal(decodeHistogram(figure.histogram).totalCount, figure.count);
        const expected = latencyHistogram();
        for (const p of parts) expected.add(decodeHistogram(p.histogram));
        const { p50, p99, max } = latencySummary(expected);
        assert.deepEqual(
          { p50: figure.p50, p99: figure.p99, max: figure.max },
          { p50, p99, max },
          `${metric}.${scope}`,
        );
      }
    }
    assert.equal(merged.latency.visible.all.count, merged.totals.visible);
    // Judged again: `sent >= 600` fails on every shard and holds for the run.
    assert.equal(merged.sla.find((r) => r.check.startsWith('sent'))?.pass, true);
    assert.equal(merged.verdict, 'pass');
    assert.match(mergeStderr, /4 shard report\(s\) of run e2e/);
  });

  it('names a missing shard and fails the merge (exit 1)', async () => {
    const files = [1, 2, 3].map((i) => join(work, 'shards', `e2e-shard-${i}-of-4`, 'report.json'));
    const r = await runMain(['merge', ...files, '--out', join(work, 'merged-3')], { cwd: work });
    assert.equal(r.code, EXIT_CODES.SLA_FAILED);
    assert.match(r.stderr, /FAIL {2}all shards merged: no report for shard 4\/4/);
    assert.equal(readJson(join(work, 'merged-3', 'e2e', 'report.json')).run.partial, true);
  });

  it('leaves one row per event in the target: no uuid collided across shards', async () => {
    const runs = [1, 2, 3, 4].map((i) => `'e2e-shard-${i}-of-4'`).join(', ');
    const [[rows, uuids, seqs]] = (await hogql(
      `SELECT count(), count(DISTINCT uuid), count(DISTINCT properties.ingestbench_seq) FROM events WHERE properties.ingestbench_run IN (${runs})`,
    )) as [[number, number, number]];
    assert.deepEqual([rows, uuids, seqs], [RATE * SECONDS, RATE * SECONDS, RATE * SECONDS]);
  });
});
