// Read a report.json back (for `compare`, `merge` and `run --baseline`). Only reports of this
// build's schema version are read: a field that changed meaning between versions would otherwise
// be compared or summed as if it had not. The check reads REPORT_SCHEMA_VERSION, never a literal.
// Then every field is checked against report-schema.ts, and what the reader gets is the parsed value.

import { readFile } from 'node:fs/promises';
import { IngestbenchError } from '../errors.js';
import { formatFieldPath } from '../scenario/scenario-problems.js';
import { ReportSchema } from './report-schema.js';
import { REPORT_SCHEMA_VERSION, type Report } from './report-types.js';

/** Parse and check one report's text; `source` names it in messages (a path). */
export function parseReport(text: string, source: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new IngestbenchError('USAGE', `${source} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || !('schemaVersion' in value)) {
    throw new IngestbenchError(
      'USAGE',
      `${source} is not an ingestbench report.json (it has no schemaVersion)`,
    );
  }
  const version = value.schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    throw new IngestbenchError(
      'USAGE',
      `${source} has report schemaVersion ${JSON.stringify(version)}, but this ingestbench reads version ${REPORT_SCHEMA_VERSION}: ` +
        'produce both reports with the same ingestbench version (or rerun the baseline)',
    );
  }
  const checked = ReportSchema.safeParse(value);
  if (!checked.success) {
    const problems = checked.error.issues.slice(0, 5).map((issue) => {
      // Field paths as a scenario's problems print them (`steps[2].rate`).
      const path = issue.path.length === 0 ? '(top level)' : formatFieldPath(issue.path);
      return `${path}: ${issue.message}`;
    });
    const more = checked.error.issues.length - problems.length;
    throw new IngestbenchError(
      'REPORT_INVALID',
      `${source} is not a valid ingestbench report (schema/report.schema.json): ${problems.join('; ')}` +
        (more > 0 ? `; and ${more} more` : ''),
    );
  }
  // zod's copy: every field checked, and a field this build does not know is left out.
  return checked.data satisfies Report;
}

export async function readReport(path: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new IngestbenchError('USAGE', `cannot read report ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseReport(text, path);
}
