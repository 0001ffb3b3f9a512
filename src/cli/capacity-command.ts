// `ingestbench capacity FILE`: the capacity search against a target, one class after the other.
// Progress and the summary go to stderr; with --json report.json goes to stdout. The exit code is
// the verdict of the scenario's capacity.* checks (0 pass, 1 fail).

import { join, resolve } from 'node:path';
import { runCapacity } from '../capacity/run-capacity.js';
import { EXIT_CODES, IngestbenchError } from '../errors.js';
import { buildCapacityReport } from '../report/capacity-report.js';
import { formatCount, formatDuration } from '../core/format.js';
import { renderCapacitySummary } from '../report/render-capacity-summary.js';
import { writeCapacityReport } from '../report/write-report.js';
import { newRunId } from '../run-scenario.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import { referenceQueryLimits, targetDefaultProfile } from '../targets/reference-query-limits.js';
import { resolveTarget } from '../targets/resolve-target.js';
import { describeLimits, withTargetLimits } from '../scenario/deployment-limits.js';
import type { CliIo } from './cli-io.js';
import { openLiveOutputs } from './live-outputs.js';
import { targetCpus } from './target-cpus.js';
import type { CommandLine } from './command-spec.js';

export async function capacityCommand(line: CommandLine, io: CliIo): Promise<number> {
  const o = line.options;
  const classes = parseClasses(String(o['classes']));
  const resolution = o['resolution'] as number;
  if (!(resolution > 0 && resolution < 1)) {
    throw new IngestbenchError(
      'USAGE',
      `--resolution ${resolution}: expected a share between 0 and 1, e.g. 0.1`,
    );
  }
  const scenario = await loadScenario(resolve(io.cwd, line.positionals[0]!));
  if (scenario.replay) {
    throw new IngestbenchError(
      'USAGE',
      `${line.positionals[0]!} replays a file: capacity draws class-pure load from behaviours; use a scenario with phases and behaviours`,
    );
  }
  const runId = newRunId();
  const targetName = String(o['target']);
  // --target-cpus pins the embedded target's processes (a taskset list); for the containers target
  // it is the container's CPU quota, the reproducible figure across CI runners.
  const { pin: cpus, quota } = targetCpus(
    targetName,
    typeof o['target-cpus'] === 'string' ? o['target-cpus'] : undefined,
  );
  const containers =
    targetName === 'containers'
      ? {
          ...(quota !== undefined ? { cpus: quota } : {}),
          ...(typeof o['target-memory'] === 'string' ? { memory: o['target-memory'] } : {}),
          ...(typeof o['compose'] === 'string' ? { compose: resolve(io.cwd, o['compose']) } : {}),
        }
      : undefined;
  if (targetName !== 'containers' && (o['target-memory'] !== undefined || o['compose'] !== undefined)) {
    throw new IngestbenchError('USAGE', '--target-memory and --compose only apply to --target containers');
  }
  const live = await openLiveOutputs(line, io, `${scenario.name} capacity`);
  const target = await resolveTarget(targetName, io.env, {
    ...(typeof o['fault'] === 'string' ? { fault: o['fault'] } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(containers !== undefined ? { containers } : {}),
    ...referenceQueryLimits(scenario.observation.limits, targetName),
    log: (text) => io.stderr.write(`${text}\n`),
  }).catch(async (error: unknown) => {
    await live.close();
    throw error;
  });
  try {
    const t = target.describe();
    const stepDurationMs = o['step-duration'] as number;
    const limits = withTargetLimits(scenario, target.queryUrl, targetDefaultProfile(target.kind)).observation
      .resolvedLimits;
    io.stderr.write(
      `ingestbench capacity ${runId}\n  scenario  ${scenario.name}\n  classes   ${classes.join(', ')}, steps of ${formatDuration(stepDurationMs)}\n` +
        `  target    ${t.kind}: capture ${t.captureUrl}, query ${t.queryUrl} (project ${t.projectId})${cpus === undefined ? '' : `, pinned to CPU ${cpus}`}\n` +
        (limits ? `  observe   ${describeLimits(limits)}\n` : '') +
        '\n',
    );
    const startedAt = Date.now();
    const quiet = o['quiet'] === true;
    const capacity = await runCapacity({
      scenario,
      target,
      classes,
      stepDurationMs,
      runId,
      resolution,
      ...(typeof o['start-rate'] === 'number' ? { startRate: o['start-rate'] } : {}),
      ...(typeof o['max-rate'] === 'number' ? { maxRate: o['max-rate'] } : {}),
      ...(typeof o['workers'] === 'number' && o['workers'] > 0 ? { workers: o['workers'] } : {}),
      signal: io.signal,
      ...(live.onLive ? { onLive: live.onLive } : {}),
      onStep: (cls, step) => {
        if (io.interactive && !quiet) io.stderr.write('\r\x1b[2K');
        io.stderr.write(
          `${cls} ${formatCount(step.rate)}/s: ${step.pass ? 'pass' : `fail (${step.failedBy}): ${step.reasons.join('; ')}`}\n`,
        );
      },
      ...(quiet || !io.interactive
        ? {}
        : {
            onProgress: (cls, rate, p) => {
              const what =
                p.stage === 'load'
                  ? `load ${formatDuration(p.load.elapsedMs)}, sent ${formatCount(p.load.sent)}, visible ${formatCount(p.visible)}`
                  : p.stage === 'drain'
                    ? `drain ${formatDuration(p.elapsedMs)}, visible ${formatCount(p.visible)}/${formatCount(p.acknowledged)}`
                    : 'preflight';
              io.stderr.write(`\r\x1b[2K${cls} ${formatCount(rate)}/s: ${what}`);
            },
          }),
    });
    const report = buildCapacityReport({
      runId,
      scenario,
      target: t,
      startedAt,
      endedAt: Date.now(),
      seed: scenario.seed,
      partial: io.signal.aborted,
      stepDurationMs,
      classes,
      targetCpus: cpus ?? null,
      capacity,
    });
    live.onLive?.({ type: 'capacity-report', report });
    const dir = await writeCapacityReport(report, join(resolve(io.cwd, String(o['out'])), runId));
    io.stderr.write(`\n${renderCapacitySummary(report)}\nreport: ${dir}\n`);
    if (o['json'] === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.verdict === 'pass' ? EXIT_CODES.OK : EXIT_CODES.SLA_FAILED;
  } finally {
    await live.close();
    await target.stop();
  }
}

function parseClasses(text: string): EventClass[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(EVENT_CLASSES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0 || new Set(names).size !== names.length) {
    throw new IngestbenchError(
      'USAGE',
      `--classes "${text}": expected anonymous, identified or both, comma-separated, each once`,
    );
  }
  return names as EventClass[];
}
