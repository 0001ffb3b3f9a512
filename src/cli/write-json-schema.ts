// Regenerates schema/scenario.schema.json and schema/report.schema.json:
// `node dist/src/cli/write-json-schema.js`. A test fails when a committed file differs from
// what scenarioJsonSchema() / reportJsonSchema() generate, so run this after changing
// scenario-schema.ts or report/report-schema.ts.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_SCHEMA_PATH, reportJsonSchemaText } from '../report/report-schema.js';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from '../scenario/scenario-json-schema.js';

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

export async function writeReportJsonSchema(root: string): Promise<string> {
  const file = join(root, REPORT_SCHEMA_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, reportJsonSchemaText());
  return file;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
  for (const file of [await writeJsonSchema(root), await writeReportJsonSchema(root)]) {
    process.stderr.write(`wrote ${file}\n`);
  }
}
