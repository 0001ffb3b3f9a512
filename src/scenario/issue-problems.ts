// Turns zod issues into ScenarioProblems: the YAML position of the offending node, the field path
// as the user wrote it, and a message in the file's terms (a missing field, an unknown field with
// its closest allowed name, an unknown kind), instead of zod's type-system wording.

import type { Document, LineCounter } from 'yaml';
import { isScalar } from 'yaml';
import type * as z from 'zod';
import { caretUnder } from './parse-sla.js';
import { didYouMeanSuffix } from '../core/did-you-mean.js';
import { formatFieldPath, type ScenarioProblem } from './scenario-problems.js';
import { locateYamlPath } from './yaml-locate.js';

export interface IssueContext {
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  /** The parsed YAML the schema was given. */
  readonly data: unknown;
  readonly schema: z.ZodType;
}

export function issueProblems(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): ScenarioProblem[] {
  const problems = issues.flatMap((issue) => problemsFor(issue, ctx));
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function problemsFor(issue: z.core.$ZodIssue, ctx: IssueContext): ScenarioProblem[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const problem = (at: readonly (string | number)[], message: string, key = false): ScenarioProblem => {
    const { line, col } = locateYamlPath(ctx.doc, ctx.lineCounter, at, { key });
    return { file: ctx.file, line, col, path: formatFieldPath(at), message };
  };
  const value = valueAt(ctx.data, path);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(ctx.schema, path, ctx.data);
      return issue.keys.map((key) =>
        problem([...path, key], `unknown field "${key}"${didYouMeanSuffix(key, allowed)}`, true),
      );
    }
    case 'invalid_union': {
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        // zod reports the tags it knows beside the discriminator, though its issue type omits them.
        const known = (issue as { options?: unknown }).options;
        const options = Array.isArray(known) ? known.map(String) : [];
        const message =
          value === undefined
            ? `missing ${issue.discriminator}: one of ${options.join(', ')}`
            : `unknown ${issue.discriminator} ${JSON.stringify(value)}: expected one of ${options.join(', ')}` +
              (typeof value === 'string' ? didYouMeanSuffix(value, options) : '');
        return [problem(path, message)];
      }
      return [problem(path, issue.message)];
    }
    case 'invalid_type': {
      if (value === undefined)
        return [problem(path, `missing required field (${describeExpected(issue.expected)})`)];
      if (path.length === 0) {
        const what = value === null ? 'this one is empty' : `not ${describe(value)}`;
        return [problem(path, `a scenario file is a YAML mapping (phases:, behaviours:, …); ${what}`)];
      }
      // Our own messages (durations, generators) already speak the file's language.
      if (!issue.message.startsWith('Invalid input:')) return [problem(path, issue.message)];
      return [problem(path, `expected ${describeExpected(issue.expected)}, got ${describe(value)}`)];
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const hint = typeof value === 'string' ? didYouMeanSuffix(value, options) : '';
      return [
        problem(
          path,
          `${JSON.stringify(value)} is not allowed: expected one of ${options.join(', ')}${hint}`,
        ),
      ];
    }
    case 'too_small':
    case 'too_big': {
      // zod's own wording ("Too small: expected number to be >0") is rewritten; ours is kept.
      if (!/^Too (small|big):/.test(issue.message) || typeof value !== 'number')
        return [problem(path, issue.message)];
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const side =
        issue.code === 'too_small'
          ? issue.inclusive === false
            ? 'more than'
            : 'at least'
          : issue.inclusive === false
            ? 'less than'
            : 'at most';
      return [problem(path, `must be ${side} ${String(bound)}, got ${value}`)];
    }
    case 'custom': {
      const span = slaSpan(issue.params);
      if (span === undefined || typeof value !== 'string') return [problem(path, issue.message)];
      return [slaProblem(problem(path, issue.message), value, span, ctx, path)];
    }
    default:
      return [problem(path, issue.message)];
  }
}

/** Put the column on the bad part of an SLA expression when the scalar is on one line, and a caret under it. */
function slaProblem(
  base: ScenarioProblem,
  expression: string,
  span: { start: number; end: number },
  ctx: IssueContext,
  path: readonly (string | number)[],
): ScenarioProblem {
  const { node } = locateYamlPath(ctx.doc, ctx.lineCounter, path);
  const excerpt = caretUnder(expression, span.start, span.end, '    ');
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
  const plain = isScalar(node) && node.type === 'PLAIN';
  const col = quoted || plain ? base.col + (quoted ? 1 : 0) + span.start : base.col;
  return { ...base, col, excerpt };
}

function slaSpan(params: unknown): { start: number; end: number } | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const { slaStart, slaEnd } = params as { slaStart?: unknown; slaEnd?: unknown };
  return typeof slaStart === 'number' && typeof slaEnd === 'number'
    ? { start: slaStart, end: slaEnd }
    : undefined;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of fields';
    case 'tuple':
      return 'a list [min, max]';
    default:
      return expected;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text ${JSON.stringify(value)}`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `the number ${value}` : `the fraction ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
}

// ---- allowed keys, for "did you mean" ---------------------------------------------------------

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, Schemaish>;
  readonly element?: Schemaish;
  readonly valueType?: Schemaish;
  readonly items?: readonly Schemaish[];
  readonly innerType?: Schemaish;
  readonly in?: Schemaish;
  readonly options?: readonly Schemaish[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
}
interface Schemaish {
  readonly _zod: { readonly def: SchemaDef };
}

/** Keys the object schema at `path` accepts, following the data through lists and tagged unions. */
export function allowedKeysAt(
  schema: z.ZodType,
  path: readonly (string | number)[],
  data: unknown,
): string[] {
  let current: Schemaish | undefined = unwrap(schema, data);
  let value = data;
  for (const segment of path) {
    if (current === undefined) return [];
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string | number, unknown>)[segment]
        : undefined;
    const def: SchemaDef = current._zod.def;
    const next: Schemaish | undefined =
      def.type === 'object'
        ? def.shape?.[String(segment)]
        : def.type === 'array'
          ? def.element
          : def.type === 'record'
            ? def.valueType
            : def.type === 'tuple' && typeof segment === 'number'
              ? def.items?.[segment]
              : undefined;
    current = next === undefined ? undefined : unwrap(next, value);
  }
  const shape = current?._zod.def.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/** Through optional/default/pipe wrappers, and into the union option that fits `value`. */
function unwrap(schema: Schemaish, value: unknown): Schemaish | undefined {
  let current: Schemaish | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 20; depth++) {
    const def: SchemaDef = current._zod.def;
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'union') current = unionOption(def, value);
    else return current;
  }
  return current;
}

function unionOption(def: SchemaDef, value: unknown): Schemaish | undefined {
  const options = def.options ?? [];
  if (def.discriminator !== undefined && value !== null && typeof value === 'object') {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    const match = options.find((option) =>
      unwrap(option, undefined)?._zod.def.shape?.[def.discriminator ?? '']?._zod.def.values?.includes(tag),
    );
    if (match !== undefined) return match;
  }
  // An untagged union (constant or generator): the object-shaped option is the one with keys.
  return options.find((option) => unwrap(option, value)?._zod.def.type === 'object');
}
