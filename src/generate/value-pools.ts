// Property values, built once at start-up: faker is seeded and called POOL_SIZE times per faker
// property, and every value is stored as its finished JSON fragment (`"key":value`, escaped once),
// so the hot path picks a fragment and concatenates: no faker call, no JSON.stringify per event.

import { faker } from '@faker-js/faker/locale/en';
import { IngestbenchError } from '../errors.js';
import type { Behaviour, PropertyGenerator } from '../scenario/scenario.js';
import { hashSeed, hashString, type Random } from './prng.js';

/** Distinct values per faker property: enough variety for realistic payloads and cardinality. */
export const POOL_SIZE = 1024;

/**
 * Faker dates are relative to "now" unless told otherwise; a fixed reference keeps the same seed
 * giving the same pools on every day the benchmark runs.
 */
const FAKER_REFERENCE_DATE = '2025-01-01T00:00:00.000Z';

/** How one property's `"key":value` fragment is drawn. */
export type PropertySource =
  | { readonly kind: 'fixed'; readonly fragment: string }
  | { readonly kind: 'pick'; readonly fragments: readonly string[] }
  | { readonly kind: 'int'; readonly prefix: string; readonly min: number; readonly span: number };

export interface BehaviourPools {
  /** The behaviour's own properties, in scenario order. */
  readonly properties: readonly PropertySource[];
  /** pageview only: `$current_url`, from the behaviour's properties or a faker URL pool (null: the SDK profile's). */
  readonly currentUrl: PropertySource | null;
}

/** One entry per behaviour, same order. Pools depend on the scenario seed only, not the worker. */
export function buildValuePools(behaviours: readonly Behaviour[], seed: number): BehaviourPools[] {
  faker.setDefaultRefDate(FAKER_REFERENCE_DATE);
  return behaviours.map((behaviour) => {
    const properties = Object.entries(behaviour.properties)
      .filter(([key]) => !(behaviour.kind === 'pageview' && key === '$current_url'))
      .map(([key, generator]) => buildSource(behaviour.name, key, generator, seed));
    let currentUrl: PropertySource | null = null;
    const declared = behaviour.properties.$current_url;
    // The posthog-js profile sends $current_url from its site map unless the behaviour sets one.
    if (behaviour.kind === 'pageview' && (declared !== undefined || behaviour.sdk !== 'posthog-js')) {
      currentUrl = buildSource(
        behaviour.name,
        '$current_url',
        declared ?? { kind: 'faker', path: 'internet.url' },
        seed,
      );
    }
    return { properties, currentUrl };
  });
}

/** The `"key":value` fragment of one draw. */
export function renderProperty(source: PropertySource, random: Random): string {
  switch (source.kind) {
    case 'fixed':
      return source.fragment;
    case 'pick':
      return source.fragments[random.nextInt(source.fragments.length)]!;
    case 'int':
      return source.prefix + (source.min + random.nextInt(source.span));
  }
}

/** All properties as comma-separated fragments (empty string when there are none). */
export function renderProperties(sources: readonly PropertySource[], random: Random): string {
  let text = '';
  for (let i = 0; i < sources.length; i++) {
    text += (i === 0 ? '' : ',') + renderProperty(sources[i]!, random);
  }
  return text;
}

function buildSource(
  behaviour: string,
  key: string,
  generator: PropertyGenerator,
  seed: number,
): PropertySource {
  const prefix = `${JSON.stringify(key)}:`;
  switch (generator.kind) {
    case 'const':
      return { kind: 'fixed', fragment: prefix + JSON.stringify(generator.value) };
    case 'oneOf':
      if (generator.values.length === 0)
        throw invalid(behaviour, key, 'oneOf has no values: list at least one');
      return { kind: 'pick', fragments: generator.values.map((v) => prefix + JSON.stringify(v)) };
    case 'int': {
      const { min, max } = generator;
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
        throw invalid(behaviour, key, `int needs integers min ≤ max, got min ${min}, max ${max}`);
      }
      return { kind: 'int', prefix, min, span: max - min + 1 };
    }
    case 'faker': {
      // Seeded by name, so adding a property elsewhere does not change this one's values.
      faker.seed(hashSeed(seed, hashString(`${behaviour}\u0000${key}`)));
      const draw = resolveFakerMethod(generator.path, behaviour, key);
      const fragments: string[] = [];
      for (let i = 0; i < POOL_SIZE; i++)
        fragments.push(prefix + fakerValueJson(draw(), generator.path, behaviour, key));
      return { kind: 'pick', fragments };
    }
  }
}

function resolveFakerMethod(path: string, behaviour: string, key: string): () => unknown {
  const parts = path.split('.');
  const method = parts.pop();
  let owner: unknown = faker;
  for (const part of parts) owner = isObject(owner) ? owner[part] : undefined;
  const fn = isObject(owner) && method !== undefined ? owner[method] : undefined;
  if (parts.length === 0 || typeof fn !== 'function') {
    throw invalid(
      behaviour,
      key,
      `unknown faker generator "${path}": use module.method, e.g. "internet.url"`,
    );
  }
  return () => {
    try {
      return (fn as () => unknown).call(owner);
    } catch (error) {
      throw invalid(behaviour, key, `faker generator "${path}" failed without arguments`, error);
    }
  };
}

function fakerValueJson(value: unknown, path: string, behaviour: string, key: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw invalid(behaviour, key, `faker generator "${path}" gives no JSON value`);
  return json;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function invalid(behaviour: string, key: string, what: string, cause?: unknown): IngestbenchError {
  return new IngestbenchError(
    'SCENARIO_INVALID',
    `behaviours.${behaviour}.properties.${key}: ${what}`,
    cause === undefined ? {} : { cause },
  );
}
