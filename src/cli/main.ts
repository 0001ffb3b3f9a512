// The CLI as a function: argv and io in, exit code out. Only bin.ts touches process.exitCode.

import { debuglog } from 'node:util';
import { IngestbenchError, exitCodeFor } from '../errors.js';
import { packageVersion } from '../package-info.js';
import type { CliIo } from './cli-io.js';
import { parseCommandLine } from './parse-command-line.js';
import { renderCommandHelp, renderMainHelp } from './render-help.js';

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
    return await line.command.handler(line, io);
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
