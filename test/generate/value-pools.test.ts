import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { Prng } from '../../src/generate/prng.js';
import { buildValuePools, POOL_SIZE, renderProperties } from '../../src/generate/value-pools.js';
import type { Behaviour } from '../../src/scenario/scenario.js';
import { ALL_BEHAVIOURS } from './scenario-fixture.js';

const asObject = (fragments: string): Record<string, unknown> =>
  JSON.parse(`{${fragments}}`) as Record<string, unknown>;

describe('buildValuePools', () => {
  const pools = buildValuePools(ALL_BEHAVIOURS, 42);

  it('builds POOL_SIZE finished JSON fragments per faker property, varied', () => {
    const referrer = pools[0]!.properties[0]!;
    assert.equal(referrer.kind, 'pick');
    const fragments = referrer.fragments;
    assert.equal(fragments.length, POOL_SIZE);
    const values = fragments.map((f) => asObject(f).$referrer);
    for (const v of values) assert.match(String(v), /^https?:\/\//);
    assert.ok(new Set(values).size > POOL_SIZE / 2, 'faker values should mostly differ');
  });

  it('is the same for the same seed and differs for another seed', () => {
    assert.deepEqual(buildValuePools(ALL_BEHAVIOURS, 42), pools);
    assert.notDeepEqual(buildValuePools(ALL_BEHAVIOURS, 43)[0], pools[0]);
  });

  it('gives pageviews a $current_url pool even when the scenario declares none', () => {
    const url = pools[0]!.currentUrl!;
    const rendered = asObject(renderProperties([url], new Prng(1)));
    assert.match(String(rendered.$current_url), /^https?:\/\//);
    assert.equal(pools[1]!.currentUrl, null);
  });

  it('renders const, oneOf and int (inclusive range) as typed JSON values', () => {
    const prng = new Prng(3);
    const seen = { price: new Set<unknown>(), plan: new Set<unknown>() };
    for (let i = 0; i < 5000; i++) {
      const props = asObject(renderProperties(pools[1]!.properties, prng));
      assert.equal(props.source, 'bench');
      assert.equal(typeof props.product, 'string');
      seen.price.add(props.price);
      seen.plan.add(props.plan);
    }
    assert.deepEqual([...seen.plan].sort(), ['free', 'pro']);
    const prices = [...seen.price] as number[];
    assert.equal(Math.min(...prices), 1);
    assert.equal(Math.max(...prices), 500);
    assert.ok(prices.every((p) => Number.isInteger(p)));
  });

  it('escapes keys and values once, at build time', () => {
    const odd: Behaviour = {
      ...ALL_BEHAVIOURS[1]!,
      properties: { 'say "hi"': { kind: 'const', value: 'a\nb"c' } },
    };
    const [built] = buildValuePools([odd], 1);
    assert.deepEqual(asObject(renderProperties(built!.properties, new Prng(1))), { 'say "hi"': 'a\nb"c' });
  });

  it('refuses an unknown faker path with SCENARIO_INVALID naming the property', () => {
    const bad: Behaviour = {
      ...ALL_BEHAVIOURS[1]!,
      properties: { x: { kind: 'faker', path: 'internet.nope' } },
    };
    assert.throws(
      () => buildValuePools([bad], 1),
      (e: unknown) =>
        e instanceof IngestbenchError &&
        e.code === 'SCENARIO_INVALID' &&
        e.message.includes('shop.properties.x'),
    );
  });
});
