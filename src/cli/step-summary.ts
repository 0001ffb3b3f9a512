// GitHub Actions shows Markdown appended to the file named by $GITHUB_STEP_SUMMARY on the job's
// summary page. Commands append their Markdown there when the variable is set. A summary that
// cannot be written is worth a warning, never a failed benchmark.

import { appendFile } from 'node:fs/promises';
import type { CliIo } from './cli-io.js';

export const STEP_SUMMARY_ENV = 'GITHUB_STEP_SUMMARY';

export async function appendStepSummary(io: CliIo, markdown: string): Promise<void> {
  const file = io.env[STEP_SUMMARY_ENV];
  if (file === undefined || file === '') return;
  try {
    await appendFile(file, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`, 'utf8');
  } catch (error) {
    io.stderr.write(
      `ingestbench: warning: cannot append to ${STEP_SUMMARY_ENV} (${file}): ${(error as Error).message}\n`,
    );
  }
}
