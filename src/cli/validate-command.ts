// `ingestbench validate FILE`: load and resolve a scenario, print what it will do, run nothing.

import { resolve } from 'node:path';
import { loadScenario } from '../scenario/load-scenario.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './parse-command-line.js';
import { describeScenario } from './describe-scenario.js';

export async function validateCommand(line: CommandLine, io: CliIo): Promise<number> {
  const file = line.positionals[0]!;
  const scenario = await loadScenario(resolve(io.cwd, file));
  io.stderr.write(`${file}: valid\n${describeScenario(scenario)}`);
  return 0;
}
