// The rules a merge of shard reports is made of: for one field, how the shards' values become the
// merged report's. A table of rules (`fields`) has an entry for every field of its type, so a field
// added to report-types.ts without saying how shards combine does not compile, where a merge
// written by hand would have dropped it unseen. Pure: values in, value out.

import { IngestbenchError } from '../errors.js';
import type { MergedFrom } from './report-types.js';

/** What every rule may know besides the values: which shards they came from. */
export interface MergeContext {
  readonly runId: string;
  /** 'shard i/n', one per value, in the values' order (shard order). */
  readonly names: readonly string[];
  /** Where the report given first (on the command line) is among the values. */
  readonly givenFirst: number;
  readonly merged: MergedFrom;
  /** The field's path from the report's top ('observation.budget'), for messages. */
  readonly path: string;
}

/**
 * How one field merges: its value in each shard (in shard order), the context, and the objects
 * holding it in each shard (for a field whose merge depends on a sibling's value).
 */
export type Rule<T, Parent = unknown> = (
  values: readonly T[],
  context: MergeContext,
  parents: readonly Parent[],
) => T;

/**
 * Marks a field computed again from the merged report once the rules have run (the SLA, judged
 * on the merged figures): the table holds its place, so the merged report's fields keep the order
 * of a run's.
 */
export const RECOMPUTED: unique symbol = Symbol('recomputed');

/**
 * A rule for every field of T (an optional field's rule may leave it out: undefined), or
 * RECOMPUTED for the fields named in R.
 */
export type Rules<T, R extends keyof T = never> = {
  readonly [K in keyof T]-?: K extends R
    ? typeof RECOMPUTED
    : Rule<object extends Pick<T, K> ? T[K] | undefined : T[K], T>;
};

/**
 * Each field by its own rule, in the table's order. A RECOMPUTED field is left for the caller to
 * set; its key is already in place (holding undefined), so setting it keeps the order.
 */
export function fields<T extends object, R extends keyof T = never>(rules: Rules<T, R>): Rule<Omit<T, R>> {
  return (values, context) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(rules) as (keyof T & string)[]) {
      const rule = rules[key];
      if (rule === RECOMPUTED) {
        out[key] = undefined;
        continue;
      }
      const merged = (rule as Rule<unknown, unknown>)(
        (values as readonly T[]).map((v) => v[key]),
        { ...context, path: context.path === '' ? key : `${context.path}.${key}` },
        values,
      );
      if (merged !== undefined) out[key] = merged;
    }
    return out as Omit<T, R>;
  };
}

/** An optional field: merged over the shards that have it, absent when none does. */
export function present<T>(rule: Rule<T>): Rule<T | undefined> {
  return (values, context, parents) => {
    const held = values.flatMap((v, i) => (v === undefined ? [] : [i]));
    if (held.length === 0) return undefined;
    return rule(
      held.map((i) => values[i] as T),
      { ...context, names: held.map((i) => context.names[i]!) },
      held.map((i) => parents[i]),
    );
  };
}

export const sum: Rule<number> = (values) => values.reduce((a, b) => a + b, 0);
export const max: Rule<number> = (values) => Math.max(...values);
export const any: Rule<boolean> = (values) => values.some(Boolean);
export const all: Rule<boolean> = (values) => values.every(Boolean);

/** The report given first's value (every shard ran the same build and scenario, or close to). */
export const givenFirst = <T>(values: readonly T[], context: MergeContext): T =>
  values[context.givenFirst] as T;
/** Always this value, whatever the shards had: a figure a merge cannot make (said why where used). */
export const always =
  <T>(value: T) =>
  (): T =>
    value;

/** One value all shards must share; shards that differ are refused, naming the field (`hint`: what to do). */
export function same<T extends string | number>(hint: string): Rule<T> {
  return (values, context) => {
    const first = values[0] as T;
    const other = values.findIndex((v) => v !== first);
    if (other < 0) return first;
    throw new IngestbenchError(
      'USAGE',
      `${context.names[other]} of run ${context.runId} has ${context.path} ${JSON.stringify(values[other])}, ${context.names[0]} has ${JSON.stringify(first)}: ${hint}`,
    );
  };
}

/** The earliest (`min`) or latest of ISO times. */
export const earliest: Rule<string> = (isos) =>
  new Date(Math.min(...isos.map((t) => Date.parse(t)))).toISOString();
export const latest: Rule<string> = (isos) =>
  new Date(Math.max(...isos.map((t) => Date.parse(t)))).toISOString();

/** Counts by key, summed key by key. */
export const sumByKey: Rule<Readonly<Record<string, number>>> = (parts) => {
  const out: Record<string, number> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) out[key] = (out[key] ?? 0) + value;
  }
  return out;
};

/** Lists one after the other, shard by shard, cut to the first `n`. */
export const concatFirst =
  (n: number) =>
  <T>(lists: readonly (readonly T[])[]): T[] =>
    lists.flat().slice(0, n);

/**
 * Texts (or nulls) as one: each shard's non-null one prefixed with its shard, joined by '; ';
 * null when no shard had one.
 */
export const namedTexts: Rule<string | null> = (texts, context) => {
  const named = texts.flatMap((t, i) => (t === null ? [] : [`${context.names[i]}: ${t}`]));
  return named.length > 0 ? named.join('; ') : null;
};
