// The CLI as a function: argv and io in, exit code out. Only bin.ts touches process.exitCode.

import { debuglog } from 'node:util';
import { IngestbenchError, exitCodeFor } from '../errors.js';
import { packageVersion } from '../package-info.js';
import { capacityCommand } from './capacity-command.js';
import type { CliIo } from './cli-io.js';
import { compareCommand } from './compare-command.js';
import { mergeCommand } from './merge-command.js';
import { monitorCommand } from './monitor-command.js';
import { parseCommandLine } from './parse-command-line.js';
import { renderCommandHelp, renderMainHelp } from './render-help.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';

const debug = debuglog('ingestbench:cli');

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const line = parseCommandLine(argv);
    if (line.version) {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (!line.command || line.help) {
      const text = line.command ? renderCommandHelp(line.command) : renderMainHelp(packageVersion());
      (line.command || line.help ? io.stdout : io.stderr).write(text);
      return line.command || line.help ? 0 : 2;
    }
    switch (line.command.name) {
      case 'run':
        return await runCommand(line, io);
      case 'replay':
        return await replayCommand(line, io);
      case 'capacity':
        return await capacityCommand(line, io);
      case 'monitor':
        return await monitorCommand(line, io);
      case 'validate':
        return await validateCommand(line, io);
      case 'schema':
        return schemaCommand(io);
      case 'serve':
        return await serveCommand(line, io);
      case 'compare':
        return await compareCommand(line, io);
      case 'merge':
        return await mergeCommand(line, io);
      default:
        throw new IngestbenchError('INTERNAL', `command ${line.command.name} has no implementation`);
    }
  } catch (error) {
    debug('%o', error);
    if (error instanceof IngestbenchError) {
      io.stderr.write(`ingestbench: ${error.message}\n`);
    } else {
      io.stderr.write(
        `ingestbench: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    return exitCodeFor(error);
  }
}
