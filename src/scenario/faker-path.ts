// Validates `faker: module.method` property generators at load time, so a typo fails `validate`
// instead of the first worker that draws a value. A method qualifies when it exists in
// @faker-js/faker, needs no arguments, and returns something an event property can hold.

import { Faker, base, en } from '@faker-js/faker';
import { didYouMeanSuffix } from '../core/did-you-mean.js';

// A private instance: probing methods must not advance the PRNG of a faker the generator seeds.
const probe = new Faker({ locale: [en, base], seed: 1 });

/** Faker members that are not modules of value methods. */
const NOT_MODULES = new Set(['fakerCore', 'definitions', 'rawDefinitions']);

type Method = (this: unknown) => unknown;

function methodsOf(module: object): string[] {
  const names = new Set<string>();
  for (let proto: unknown = Object.getPrototypeOf(module); proto !== null && proto !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && !name.startsWith('_')) names.add(name);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return [...names];
}

function buildCatalogue(): ReadonlyMap<string, { module: object; method: Method }> {
  const catalogue = new Map<string, { module: object; method: Method }>();
  for (const [moduleName, module] of Object.entries(probe)) {
    if (NOT_MODULES.has(moduleName) || typeof module !== 'object' || module === null) continue;
    for (const methodName of methodsOf(module as object)) {
      const method: unknown = (module as Record<string, unknown>)[methodName];
      if (typeof method === 'function') {
        catalogue.set(`${moduleName}.${methodName}`, { module: module as object, method: method as Method });
      }
    }
  }
  return catalogue;
}

let catalogue: ReadonlyMap<string, { module: object; method: Method }> | undefined;

/** Every `module.method` path faker offers (value methods only), sorted. */
export function fakerPaths(): string[] {
  catalogue ??= buildCatalogue();
  return [...catalogue.keys()].sort();
}

/** Why `path` cannot be a property generator, or undefined when it can. */
export function fakerPathProblem(path: string): string | undefined {
  catalogue ??= buildCatalogue();
  const entry = catalogue.get(path);
  if (entry === undefined) {
    const shape = /^[a-z]+\.[A-Za-z0-9]+$/.test(path)
      ? ''
      : ' (the form is module.method, e.g. internet.url)';
    return `unknown faker method "${path}"${shape}${didYouMeanSuffix(path, catalogue.keys())}`;
  }
  let sample: unknown;
  try {
    sample = entry.method.call(entry.module);
  } catch {
    return `faker method "${path}" needs arguments; pick one that works without, e.g. internet.url or commerce.productName`;
  }
  const kind = typeof sample;
  if (kind === 'string' || kind === 'number' || kind === 'boolean' || sample instanceof Date)
    return undefined;
  return `faker method "${path}" returns ${Array.isArray(sample) ? 'an array' : kind}, not a string, number, boolean or date`;
}
