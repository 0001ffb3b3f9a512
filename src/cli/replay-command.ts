// `ingestbench replay FILE`: the recorded events of FILE instead of generated ones, under the
// settings of an inline default scenario or of `--scenario`. A scenario with a `replay:` field
// does the same through `run` (prepareReplay). Either way the file is read through once, every
// line checked, before any target is started or anything sent; a bad line exits 2 with file:line.

import { resolve } from 'node:path';
import { loadScenario, parseScenario } from '../scenario/load-scenario.js';
import type { ReplaySpec } from '../scenario/scenario.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';
import { prepareReplay } from './prepare-replay.js';
import { executeRun, workersOption } from './run-command.js';

export async function replayCommand(line: CommandLine, io: CliIo): Promise<number> {
  const o = line.options;
  const file = resolve(io.cwd, line.positionals[0]!);
  const spec: ReplaySpec = {
    file,
    pace:
      typeof o['rate'] === 'number'
        ? { kind: 'rate', rate: o['rate'] }
        : { kind: 'speed', speed: typeof o['speed'] === 'number' ? o['speed'] : 1 },
    ...(typeof o['duration'] === 'number' ? { durationMs: o['duration'] } : {}),
  };
  const overrides = typeof o['probe-timeout'] === 'number' ? { probeTimeoutMs: o['probe-timeout'] } : {};
  // The settings (batching, observation, SLA, load) of --scenario; its workload is not used.
  const settings =
    typeof o['scenario'] === 'string'
      ? await loadScenario(resolve(io.cwd, o['scenario']), overrides)
      : parseScenario(`name: replay\nreplay: { file: ${JSON.stringify(file)} }\n`, '<replay>', overrides);
  const workers = workersOption(line, io);
  const prepared = await prepareReplay(
    { ...settings, phases: [], behaviours: [], replay: spec },
    workers,
    io,
  );
  return executeRun(line, io, { workers, ...prepared });
}
