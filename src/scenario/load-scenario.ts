// Scenario file → resolved Scenario: read, parse YAML (keeping node positions), validate against
// the one schema, resolve. Every problem in the file is reported at once, each with its position.

import { readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { debuglog } from 'node:util';
import { LineCounter, parseDocument } from 'yaml';
import { issueProblems } from './issue-problems.js';
import { resolveScenario, type ScenarioOverrides } from './resolve-scenario.js';
import type { Scenario } from './scenario.js';
import { ScenarioInvalidError, type ScenarioProblem } from './scenario-problems.js';
import { ScenarioSchema } from './scenario-schema.js';
import { linePosition } from './yaml-locate.js';

export type { ScenarioOverrides } from './resolve-scenario.js';
export { ScenarioInvalidError, type ScenarioProblem } from './scenario-problems.js';

const debug = debuglog('ingestbench:scenario');

/** Read, parse, validate and resolve a scenario file; throws ScenarioInvalidError (SCENARIO_INVALID). */
export async function loadScenario(file: string, overrides?: ScenarioOverrides): Promise<Scenario> {
  const display = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file; check the path (the shipped scenarios are in scenarios/, e.g. scenarios/quickstart.yaml)'
        : code === 'EISDIR'
          ? 'this is a directory; name a .yaml file in it'
          : `cannot be read (${code ?? String(error)})`;
    throw new ScenarioInvalidError(display, [{ file: display, line: 0, col: 0, path: '', message: why }], {
      cause: error,
    });
  }
  return parseScenarioText(text, display, resolve(file), overrides);
}

/** The same from text: `source` names it in messages and becomes Scenario.source. */
export function parseScenario(text: string, source: string, overrides?: ScenarioOverrides): Scenario {
  return parseScenarioText(text, source, source, overrides);
}

function parseScenarioText(
  text: string,
  display: string,
  source: string,
  overrides: ScenarioOverrides | undefined,
): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: ScenarioProblem[] = doc.errors.map((error) => ({
      file: display,
      ...linePosition(lineCounter, error.pos[0]),
      path: '',
      message: `YAML syntax: ${error.message.split('\n')[0] ?? error.code}`,
    }));
    throw new ScenarioInvalidError(display, problems);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error: unknown) {
    // Only alias abuse gets here (a "billion laughs" file): the syntax itself was valid.
    const message = `YAML: ${error instanceof Error ? error.message : String(error)}`;
    throw new ScenarioInvalidError(display, [{ file: display, line: 1, col: 1, path: '', message }], {
      cause: error,
    });
  }
  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) {
    const problems = issueProblems(parsed.error.issues, {
      file: display,
      doc,
      lineCounter,
      data,
      schema: ScenarioSchema,
    });
    throw new ScenarioInvalidError(display, problems);
  }
  const scenario = resolveScenario(parsed.data, source, fallbackName(display), overrides);
  debug(
    'loaded %s: %d phases, %d behaviours, %d SLA checks',
    display,
    scenario.phases.length,
    scenario.behaviours.length,
    scenario.sla.length,
  );
  return scenario;
}

/** Messages name the file as short as it is unambiguous: relative when it is under the working directory. */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel) ? file : rel;
}

/** A scenario without `name:` is called after its file: scenarios/quickstart.yaml → "quickstart". */
function fallbackName(display: string): string {
  const stem = basename(display, extname(display))
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return stem === '' ? 'scenario' : stem;
}
