// `ingestbench compare BASELINE CANDIDATE`: the comparison table (Markdown) to stdout and to the
// GitHub step summary, a one-line verdict to stderr; exit 1 on a regression, 0 otherwise.

import { resolve } from 'node:path';
import { EXIT_CODES } from '../errors.js';
import { compareReports, type Comparison } from '../report/compare-reports.js';
import { readReport } from '../report/read-report.js';
import { resolveRegressionLimits } from '../report/regression-limits.js';
import { renderComparison } from '../report/render-comparison.js';
import type { Report } from '../report/report-types.js';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './command-spec.js';
import { appendStepSummary } from './step-summary.js';

export async function compareCommand(line: CommandLine, io: CliIo): Promise<number> {
  const limits = limitsOf(line);
  const [baseline, candidate] = await Promise.all(
    line.positionals.slice(0, 2).map((file) => readReport(resolve(io.cwd, file))),
  );
  const comparison = compareReports(baseline!, candidate!, limits);
  const markdown = renderComparison(comparison);
  io.stdout.write(markdown);
  await appendStepSummary(io, markdown);
  io.stderr.write(`${verdictLine(comparison)}\n`);
  return comparison.verdict === 'pass' ? EXIT_CODES.OK : EXIT_CODES.SLA_FAILED;
}

/** The limits from --max-regression (parsed before any run, so a typo fails fast). */
export function limitsOf(line: CommandLine): ReturnType<typeof resolveRegressionLimits> {
  const raw = line.options['max-regression'];
  return resolveRegressionLimits(Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []);
}

export function verdictLine(comparison: Comparison): string {
  if (comparison.verdict === 'pass')
    return `compare: no regression against baseline ${comparison.baseline.id}`;
  return `compare: ${comparison.regressions.length} regression(s) against baseline ${comparison.baseline.id}: ${comparison.regressions.map((r) => r.metric).join(', ')}`;
}

/** `run --baseline`: the comparison of a finished run, written beside its report. */
export function compareWithBaseline(
  baseline: Report,
  report: Report,
  limits: ReturnType<typeof resolveRegressionLimits>,
): { comparison: Comparison; markdown: string } {
  const comparison = compareReports(baseline, report, limits);
  return { comparison, markdown: renderComparison(comparison) };
}
