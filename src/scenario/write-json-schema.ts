// Regenerates schema/scenario.schema.json: `node dist/src/scenario/write-json-schema.js`.
// A test fails when the committed file differs from scenarioJsonSchema(), so run this after
// changing scenario-schema.ts.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from './scenario-json-schema.js';

/** The nearest directory at or above `from` holding a package.json. */
export function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export async function writeJsonSchema(root: string): Promise<string> {
  const file = join(root, SCENARIO_SCHEMA_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, scenarioJsonSchemaText());
  return file;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = await writeJsonSchema(findRepoRoot(dirname(fileURLToPath(import.meta.url))));
  process.stderr.write(`wrote ${file}\n`);
}
