// What is wrong with a scenario file, as data (tests and `validate` read `problems`) and as one
// message listing every problem as `file:line:col: field.path: message`.

import { IngestbenchError } from '../errors.js';

export interface ScenarioProblem {
  /** The file as the user named it, or the source given to parseScenario. */
  readonly file: string;
  /** 1-based; 0 when the problem has no position (the file could not be read). */
  readonly line: number;
  readonly col: number;
  /** Field path as written in the file, e.g. "phases[1].rate"; "" for the file as a whole. */
  readonly path: string;
  readonly message: string;
  /** Extra lines shown under the problem, e.g. an SLA expression with a caret under the bad part. */
  readonly excerpt?: string;
}

export class ScenarioInvalidError extends IngestbenchError {
  readonly problems: readonly ScenarioProblem[];

  constructor(file: string, problems: readonly ScenarioProblem[], options?: { cause?: unknown }) {
    super('SCENARIO_INVALID', formatProblems(file, problems), options);
    this.name = 'ScenarioInvalidError';
    this.problems = problems;
  }
}

/** ["phases", 1, "rate"] → "phases[1].rate"; keys that are not identifiers are quoted. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(segment)))
      text += text === '' ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

export function formatProblem(problem: ScenarioProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  const field = problem.path === '' ? '' : ` ${problem.path}:`;
  const excerpt = problem.excerpt === undefined ? '' : `\n${problem.excerpt}`;
  return `${where}:${field} ${problem.message}${excerpt}`;
}

function formatProblems(file: string, problems: readonly ScenarioProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = [`scenario ${file} is invalid (${count}):`, ...problems.map(formatProblem)];
  if (problems.some((p) => p.line > 0)) {
    lines.push(
      `Fix the lines above and check with \`ingestbench validate ${file}\`; README.md (Scenario files) lists every field.`,
    );
  }
  return lines.join('\n');
}
