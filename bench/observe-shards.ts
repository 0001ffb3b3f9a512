// The observe bench's second part: the same run as n shard processes (`ingestbench run --target
// posthog --shard i/n`, as a CI matrix would start them) querying with ONE personal API key against
// a fresh `serve --query-limits cloud`, then merged. PostHog counts the key's queries together, so
// what matters is the shards' sum against the key's 240/min and 2,400/h: printed from the merged
// report (the busiest shard's peak up to the sum of the shards' peaks: their busiest windows need
// not coincide), beside each shard's own use of its 1/n share, and the target's throttled answers.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrometheusText } from '../src/measure/measure-cost.js';
import { mergeReports } from '../src/report/merge-reports.js';
import type { Report } from '../src/report/report-types.js';
import { newRunId } from '../src/run-scenario.js';
import { BIN, KEY, startServe, TOKEN } from './serve-process.js';

export interface ShardedObservationOptions {
  readonly print: (line: string) => void;
  readonly shards: number;
  readonly scenarioText: string;
}

export async function runShardedObservation(options: ShardedObservationOptions): Promise<Report> {
  const { print, shards } = options;
  const work = await mkdtemp(join(tmpdir(), 'ingestbench-observe-shards-'));
  const server = await startServe();
  try {
    const file = join(work, 'observe-bench.yaml');
    await writeFile(file, options.scenarioText);
    const runId = newRunId();
    const env = {
      PATH: process.env['PATH'] ?? '',
      POSTHOG_HOST: server.url,
      POSTHOG_PROJECT_API_KEY: TOKEN,
      POSTHOG_PERSONAL_API_KEY: KEY,
      POSTHOG_PROJECT_ID: '1',
    };
    const started = Date.now();
    const codes = await Promise.all(
      Array.from({ length: shards }, async (_, i) => {
        const child = spawn(
          process.execPath,
          [
            BIN,
            'run',
            file,
            '--target',
            'posthog',
            '--shard',
            `${i + 1}/${shards}`,
            '--run-id',
            runId,
          ].concat(['--out', work, '--workers', '1', '--quiet']),
          { env, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const [code] = (await once(child, 'exit')) as [number | null];
        // 0 and 1 are verdicts (a shard's SLA judges its share only); anything else is shown.
        if (code !== 0 && code !== 1)
          print(`    shard ${i + 1}/${shards} exited ${code}: ${lastLines(stderr)}`);
        return code;
      }),
    );
    const wallS = (Date.now() - started) / 1000;
    const parts = await Promise.all(
      Array.from(
        { length: shards },
        async (_, i) =>
          JSON.parse(
            await readFile(join(work, `${runId}-shard-${i + 1}-of-${shards}`, 'report.json'), 'utf8'),
          ) as Report,
      ),
    );
    const merged = mergeReports(parts);
    const throttledAtTarget = (await targetQueries(server.url)).throttled;
    printSharded(print, parts, merged, { wallS, codes, throttledAtTarget });
    return merged;
  } finally {
    server.child.kill('SIGINT');
    await once(server.child, 'exit');
    await rm(work, { recursive: true, force: true });
  }
}

/** The target's own count of queries answered and of 429s (serve's /metrics), whatever window refused them. */
export async function targetQueries(url: string): Promise<{ answered: number; throttled: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const queries = parsePrometheusText(text).filter((s) => s.name === 'ingestbench_queries_total');
  const sum = (keep: (outcome: string) => boolean): number =>
    queries.filter((s) => keep(s.labels['outcome'] ?? '')).reduce((total, s) => total + s.value, 0);
  return {
    answered: sum((outcome) => outcome === 'answered'),
    throttled: sum((outcome) => outcome.startsWith('throttled')),
  };
}

function printSharded(
  print: (line: string) => void,
  parts: readonly Report[],
  merged: Report,
  run: { wallS: number; codes: readonly (number | null)[]; throttledAtTarget: number },
): void {
  const b = merged.observation.budget;
  const t = merged.totals;
  const hour = b.perHour ?? Infinity;
  print(
    `  ${parts.length} shards, one key: ${run.wallS.toFixed(0)} s wall, exit codes ${run.codes.join(' ')}; ` +
      `sent ${t.sent}, acknowledged ${t.acknowledged}, visible ${t.visible}, lost ${t.lost}, unverified ${t.unverified}`,
  );
  for (const p of parts) {
    const o = p.observation;
    print(
      `    shard ${p.run.shard?.index}/${p.run.shard?.count}: ${o.queries} queries (${o.throttled} throttled), ` +
        `peak ${o.budget.peakPerMinute} of its ${o.budget.perMinute ?? '∞'}/min, ${o.budget.peakPerHour} of its ${o.budget.perHour ?? '∞'}/h; ` +
        `poll ${o.pollIntervalMs} ms, ${o.endReason}`,
    );
  }
  const s = b.summedPeaks;
  print(
    `  key: ${merged.observation.queries} observation queries (${merged.observation.throttled} throttled; the target answered ${run.throttledAtTarget} with 429); ` +
      `busiest minute ${s?.perMinuteAtLeast ?? '?'} to ${b.peakPerMinute} of the key's ${b.perMinute ?? '∞'}/min (${b.perMinute === null ? 'no minute window' : `${pct(b.peakPerMinute / b.perMinute)} at most`}), ` +
      `busiest hour ${s?.perHourAtLeast ?? '?'} to ${b.peakPerHour} of ${b.perHour ?? '∞'}/h (${pct(b.peakPerHour / hour)} at most)`,
  );
}

/** The lines that say why a run stopped: its `stopped early` line, else the last one. */
function lastLines(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return lines.find((l) => l.startsWith('stopped early')) ?? lines.at(-1) ?? '';
}

const pct = (share: number): string => `${(share * 100).toFixed(0)} %`;
