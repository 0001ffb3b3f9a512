// `ingestbench schema`: the scenario JSON Schema on stdout, for editors and CI linters.

import { scenarioJsonSchema } from '../scenario/scenario-json-schema.js';
import type { CliIo } from './cli-io.js';

export function schemaCommand(io: CliIo): number {
  io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return 0;
}
