// `ingestbench run FILE`: the main job. Human progress and the summary go to stderr; with --json
// report.json goes to stdout. The exit code is the verdict (0 pass, 1 fail; with --baseline, 1 also
// when the run regressed against the baseline), or why the run stopped early (3 capture lost, 4 a
// load worker failed), or 4 when the report could not be written. summary.md (and the comparison)
// are appended to $GITHUB_STEP_SUMMARY when it is set.

import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT_CODES, IngestbenchError } from '../errors.js';
import type { ScannedReplay } from '../load/scan-replay.js';
import { checkRunId, parseShard, shardRunId, type ShardSpec } from '../load/shard-spec.js';
import { formatDuration } from '../core/format.js';
import { readReport } from '../report/read-report.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderSummary } from '../report/render-summary.js';
import type { Report } from '../report/report-types.js';
import { checkReportDir, writeReport } from '../report/write-report.js';
import { runScenario, newRunId, type RunProgress } from '../run-scenario.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { referenceQueryLimits, targetDefaultProfile } from '../targets/reference-query-limits.js';
import type { Scenario } from '../scenario/scenario.js';
import { resolveTarget } from '../targets/resolve-target.js';
import { withTargetLimits } from '../scenario/deployment-limits.js';
import type { CliIo } from './cli-io.js';
import { compareWithBaseline, limitsOf, verdictLine } from './compare-command.js';
import { describeScenario } from './describe-scenario.js';
import { prepareReplay } from './prepare-replay.js';
import type { CommandLine } from './command-spec.js';
import { openLiveOutputs } from './live-outputs.js';
import { targetCpus } from './target-cpus.js';
import { appendStepSummary } from './step-summary.js';

/** `run --baseline` writes the comparison beside the report. */
export const COMPARISON_FILE = 'comparison.md';

export async function runCommand(line: CommandLine, io: CliIo): Promise<number> {
  const o = line.options;
  const file = line.positionals[0]!;
  const scenario = await loadScenario(resolve(io.cwd, file), {
    ...(typeof o['rate'] === 'number' ? { rate: o['rate'] } : {}),
    ...(typeof o['duration'] === 'number' ? { durationMs: o['duration'] } : {}),
    ...(typeof o['seed'] === 'number' ? { seed: o['seed'] } : {}),
    ...(typeof o['probe-timeout'] === 'number' ? { probeTimeoutMs: o['probe-timeout'] } : {}),
  });
  const shard = typeof o['shard'] === 'string' ? parseShard(o['shard']) : undefined;
  if (shard && typeof o['run-id'] !== 'string') {
    throw new IngestbenchError(
      'USAGE',
      '--shard needs --run-id: every shard of a run must carry the same id, so their reports merge',
    );
  }
  const workers = workersOption(line, io);
  // A scenario with `replay:` sends its file: read through it (and refuse a bad line) first.
  if (scenario.replay && shard) {
    throw new IngestbenchError('USAGE', `${file} replays a file: --shard splits generated load only`);
  }
  if (scenario.replay)
    return executeRun(line, io, { workers, ...(await prepareReplay(scenario, workers, io)) });
  return executeRun(line, io, { scenario, workers, ...(shard ? { shard } : {}) });
}

/** `--workers`, warned about when above the cores. */
export function workersOption(line: CommandLine, io: CliIo): number | undefined {
  const workers = typeof line.options['workers'] === 'number' ? line.options['workers'] : undefined;
  const cores = availableParallelism();
  if (workers !== undefined && workers > cores) {
    io.stderr.write(
      `ingestbench: warning: --workers ${workers} on ${cores} cores: the workers will compete for CPU and the send delay will grow; one per core is the default\n`,
    );
  }
  return workers;
}

export interface RunInput {
  readonly scenario: Scenario;
  readonly workers: number | undefined;
  readonly shard?: ShardSpec;
  /** A replay's validating pass, done before this is called (before any target is started). */
  readonly replay?: ScannedReplay;
  /** Lines that say what will be sent, beside the scenario's (a replay's file and pace). */
  readonly describeLines?: readonly string[];
}

/**
 * What `run` and `replay` share once the workload is known: the baseline and output checks
 * before anything starts, the target, the run, the report files, the comparison and the exit code.
 */
export async function executeRun(line: CommandLine, io: CliIo, input: RunInput): Promise<number> {
  const o = line.options;
  const { scenario, workers, shard } = input;
  const givenRunId = typeof o['run-id'] === 'string' ? checkRunId(o['run-id']) : undefined;
  // Read the baseline and its limits before any load is sent: a typo must not cost a whole run.
  const limits = limitsOf(line);
  const baseline =
    typeof o['baseline'] === 'string' ? await readReport(resolve(io.cwd, o['baseline'])) : null;
  const outDir = resolve(io.cwd, String(o['out']));
  // Before the target is started or anything is sent: an unwritable --out must not cost a run.
  await checkReportDir(outDir);
  const baseRunId = givenRunId ?? newRunId();
  const runId = shard ? shardRunId(baseRunId, shard) : baseRunId;
  const targetName = String(o['target']);
  const { pin: cpus, quota } = targetCpus(
    targetName,
    typeof o['target-cpus'] === 'string' ? o['target-cpus'] : undefined,
  );
  const containers = {
    ...(quota !== undefined ? { cpus: quota } : {}),
    ...(typeof o['target-memory'] === 'string' ? { memory: o['target-memory'] } : {}),
    ...(typeof o['compose'] === 'string' ? { compose: resolve(io.cwd, o['compose']) } : {}),
  };
  const live = await openLiveOutputs(line, io, scenario.name, scenario);
  const target = await resolveTarget(targetName, io.env, {
    ...(typeof o['fault'] === 'string' ? { fault: o['fault'] } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(Object.keys(containers).length > 0 ? { containers } : {}),
    // A reference target started for the run enforces the deployment the run plans to.
    ...referenceQueryLimits(scenario.observation.limits, targetName),
    log: (line) => io.stderr.write(`${line}\n`),
  }).catch(async (error: unknown) => {
    await live.close();
    throw error;
  });
  try {
    const t = target.describe();
    io.stderr.write(
      `ingestbench ${line.command?.name ?? 'run'} ${runId}\n` +
        describeScenario(withTargetLimits(scenario, target.queryUrl, targetDefaultProfile(target.kind)), {
          workload: input.describeLines,
          shard,
        }) +
        `  target    ${t.kind}: capture ${t.captureUrl}, query ${t.queryUrl} (project ${t.projectId})\n\n`,
    );
    const report = await runScenario({
      scenario,
      target,
      runId: baseRunId,
      ...(shard ? { shard } : {}),
      ...(input.replay ? { replay: input.replay } : {}),
      signal: io.signal,
      ...(workers !== undefined ? { workers } : {}),
      ...(o['quiet'] === true ? {} : { onProgress: progressPrinter(io) }),
      ...(live.onLive ? { onLive: live.onLive } : {}),
      ...(live.onVisible ? { onVisible: live.onVisible } : {}),
      ...(live.onObserving ? { onObserving: live.onObserving } : {}),
    });
    if (io.interactive && o['quiet'] !== true) io.stderr.write('\r\x1b[2K');
    const runDir = join(outDir, runId);
    let written = true;
    try {
      await writeReport(report, runDir);
    } catch (error) {
      written = false;
      io.stderr.write(`\n${renderSummary(report)}\nreport: NOT written: ${(error as Error).message}\n`);
    }
    if (!written) return EXIT_CODES.INTERNAL;
    io.stderr.write(`\n${renderSummary(report)}\nreport: ${runDir}\n`);
    let summary = renderMarkdown(report);
    let regressed = false;
    if (baseline) {
      const { comparison, markdown } = compareWithBaseline(baseline, report, limits);
      await writeFile(join(runDir, COMPARISON_FILE), markdown, 'utf8');
      io.stderr.write(`\n${markdown}\n${verdictLine(comparison)}\n`);
      summary += `\n${markdown}`;
      regressed = comparison.verdict !== 'pass';
    }
    await appendStepSummary(io, summary);
    if (o['json'] === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    // With a baseline the run passes only when the SLA holds and nothing regressed.
    const code = runExitCode(report);
    return code === EXIT_CODES.OK && regressed ? EXIT_CODES.SLA_FAILED : code;
  } finally {
    await live.close();
    await target.stop();
  }
}

/** The exit code of a finished run: why it stopped early, else its verdict. */
export function runExitCode(report: Report): number {
  switch (report.run.stop?.reason) {
    case 'load-failed':
      return EXIT_CODES.INTERNAL;
    case 'target-lost':
      return EXIT_CODES.TARGET_LOST;
    default:
      return report.verdict === 'pass' ? EXIT_CODES.OK : EXIT_CODES.SLA_FAILED;
  }
}

function progressPrinter(io: CliIo): (p: RunProgress) => void {
  let lastLine = 0;
  return (p) => {
    let text: string;
    switch (p.stage) {
      case 'preflight':
        text = 'preflight: checking capture and query APIs, then sending a probe event and waiting for it…';
        break;
      case 'load': {
        const l = p.load;
        text =
          `load ${formatDuration(l.elapsedMs)}  ${Math.round(l.currentRate).toLocaleString('en-US')} ev/s  ` +
          `sent ${l.sent.toLocaleString('en-US')}/${p.plannedTotal.toLocaleString('en-US')}  acked ${l.acknowledged.toLocaleString('en-US')}  ` +
          `visible ${p.visible.toLocaleString('en-US')}  rejected ${l.rejected}  dropped ${l.dropped}  failed ${l.failed}  in-flight ${l.inFlight}`;
        break;
      }
      case 'drain':
        text = `drain ${formatDuration(p.elapsedMs)}  visible ${p.visible.toLocaleString('en-US')}/${p.acknowledged.toLocaleString('en-US')} acknowledged`;
        break;
    }
    if (io.interactive) {
      io.stderr.write(`\r\x1b[2K${text}`);
    } else if (p.stage !== 'load' || Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      io.stderr.write(`${text}\n`);
    }
  };
}
