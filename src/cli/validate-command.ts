// `ingestbench validate FILE [--rate R] [--duration D]`: load and resolve a scenario (with the
// same overrides `run` takes), print what it will do and how long a run lasts, send nothing. A
// replay scenario's events file is read through and checked too.

import { resolve } from 'node:path';
import { loadScenario } from '../scenario/load-scenario.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';
import { describeScenario } from './describe-scenario.js';
import { prepareReplay } from './prepare-replay.js';

export async function validateCommand(line: CommandLine, io: CliIo): Promise<number> {
  const file = line.positionals[0]!;
  const o = line.options;
  const scenario = await loadScenario(resolve(io.cwd, file), {
    ...(typeof o['rate'] === 'number' ? { rate: o['rate'] } : {}),
    ...(typeof o['duration'] === 'number' ? { durationMs: o['duration'] } : {}),
  });
  // A replay scenario is valid when its file is: every line is read and checked, as before a run.
  const prepared = scenario.replay ? await prepareReplay(scenario, undefined, io) : null;
  const text = prepared
    ? describeScenario(prepared.scenario, { workload: prepared.describeLines })
    : describeScenario(scenario);
  io.stderr.write(`${file}: valid\n${text}`);
  return 0;
}
