// `ingestbench serve`: the reference target until SIGINT/SIGTERM (bin.ts turns them into the signal).

import { serve, serveOptionsToStart } from '../reference/serve.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';

export async function serveCommand(line: CommandLine, io: CliIo): Promise<number> {
  await serve(serveOptionsToStart(line.options), io, io.signal);
  return 0;
}
