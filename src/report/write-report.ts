// Write a run's report files into its directory (reports/<run-id>/ by default): report.json (the
// contract, with encoded histograms), summary.md, report.html and junit.xml (the SLA checks). Each file is written to a
// temporary name and renamed, so a reader never sees half a report.

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IngestbenchError } from '../errors.js';
import { renderHtml } from './render-html.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import type { CapacityReport } from './capacity-report.js';
import { renderCapacityHtml } from './render-capacity-html.js';
import { renderCapacityMarkdown } from './render-capacity-summary.js';
import type { Report } from './report-types.js';

export const REPORT_FILES = {
  json: 'report.json',
  markdown: 'summary.md',
  html: 'report.html',
  junit: 'junit.xml',
} as const;

/** Writes the report files into `dir` (created if missing) and returns `dir`. */
export async function writeReport(report: Report, dir: string): Promise<string> {
  return writeFiles(dir, [
    [REPORT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [REPORT_FILES.markdown, renderMarkdown(report)],
    [REPORT_FILES.html, renderHtml(report)],
    [REPORT_FILES.junit, renderJunit(report)],
  ]);
}

/** The same four files for a capacity run. */
export async function writeCapacityReport(report: CapacityReport, dir: string): Promise<string> {
  const properties: Record<string, string> = {};
  for (const [cls, c] of Object.entries(report.capacity.classes)) {
    properties[`capacity.${cls}`] = c.sustainable === null ? 'none' : String(c.sustainable);
    properties[`capacity.${cls}.limitedBy`] = c.limitedBy;
  }
  if (report.capacity.ratio !== null) properties['capacity.ratio'] = report.capacity.ratio.toFixed(3);
  return writeFiles(dir, [
    [REPORT_FILES.json, `${JSON.stringify(report, null, 2)}\n`],
    [REPORT_FILES.markdown, renderCapacityMarkdown(report)],
    [REPORT_FILES.html, renderCapacityHtml(report)],
    [REPORT_FILES.junit, renderJunit(report, properties)],
  ]);
}

async function writeFiles(dir: string, files: readonly [string, string][]): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, content] of files) {
      const path = join(dir, name);
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, content, 'utf8');
      await rename(temporary, path);
    }
  } catch (error) {
    throw new IngestbenchError(
      'USAGE',
      `cannot write the report into ${dir}: ${(error as Error).message}; choose a writable --out directory`,
      { cause: error },
    );
  }
  return dir;
}

/**
 * Proves before a run that reports can be written under `outDir` (created if missing): a run of
 * an hour must not learn at its end that its folder is read-only. USAGE error when it cannot.
 */
export async function checkReportDir(outDir: string, flag = '--out'): Promise<void> {
  const probe = join(outDir, `.ingestbench-write-check.${process.pid}.tmp`);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(probe, '', 'utf8');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new IngestbenchError(
      'USAGE',
      `${flag} ${outDir} is not a writable directory (${typeof code === 'string' ? code : (error as Error).message}); choose another ${flag}: nothing was sent`,
      { cause: error },
    );
  }
}
