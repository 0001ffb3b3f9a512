#!/usr/bin/env node
// The process edge: signals in, exit code out. Everything else is main().

import { main } from './main.js';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write('ingestbench: second interrupt, exiting without a report\n');
      process.exit(130);
    }
    process.stderr.write(`\ningestbench: ${signal} received, stopping (again to force)\n`);
    controller.abort(new Error(signal));
  });
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  interactive: process.stderr.isTTY === true,
});
