// `ingestbench serve`: the reference target until SIGINT/SIGTERM (bin.ts turns them into the signal).

import { serve, serveOptionsToStart } from '../reference/serve.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';
import { PROBE_EVENT } from '../targets/probe-event.js';

export async function serveCommand(line: CommandLine, io: CliIo): Promise<number> {
  // A harness run against this target sends its preflight probe: the faults spare it, as the
  // embedded target's do, so the fault counters count the run's events only.
  await serve({ ...serveOptionsToStart(line.options), spareFromFaults: [PROBE_EVENT] }, io, io.signal);
  return 0;
}
