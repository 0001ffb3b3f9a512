// `ingestbench merge REPORT… --out DIR`: read the shards' reports (files, or folders holding them),
// merge them (report/merge-reports.ts) and write DIR/<run-id>/ with every report file. Exit 0 when
// the merged verdict passes, 1 when it fails (an SLA check, or a shard missing or partial).

import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT_CODES, IngestbenchError } from '../errors.js';
import { mergeReports } from '../report/merge-reports.js';
import { readReport } from '../report/read-report.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderSummary } from '../report/render-summary.js';
import { REPORT_FILES, writeReport } from '../report/write-report.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';
import { appendStepSummary } from './step-summary.js';

export async function mergeCommand(line: CommandLine, io: CliIo): Promise<number> {
  const files: string[] = [];
  for (const given of line.positionals) files.push(...(await reportFilesAt(resolve(io.cwd, given))));
  const reports = await Promise.all(files.map((f) => readReport(f)));
  const merged = mergeReports(reports);
  const dir = await writeReport(merged, join(resolve(io.cwd, String(line.options['out'])), merged.run.id));
  io.stderr.write(
    `ingestbench merge: ${reports.length} shard report(s) of run ${merged.run.id}\n\n${renderSummary(merged)}\nreport: ${dir}\n`,
  );
  await appendStepSummary(io, renderMarkdown(merged));
  if (line.options['json'] === true) io.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  return merged.verdict === 'pass' ? EXIT_CODES.OK : EXIT_CODES.SLA_FAILED;
}

/** A report file, or the report.json files of a folder: its own, else its subfolders'. */
async function reportFilesAt(path: string): Promise<string[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new IngestbenchError('USAGE', `merge: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isDirectory) return [path];
  const own = join(path, REPORT_FILES.json);
  if (await exists(own)) return [own];
  const found: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const candidate = join(path, entry.name, REPORT_FILES.json);
    if (entry.isDirectory() && (await exists(candidate))) found.push(candidate);
  }
  if (found.length === 0) {
    throw new IngestbenchError('USAGE', `merge: no ${REPORT_FILES.json} in ${path} or in its subfolders`);
  }
  return found;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
