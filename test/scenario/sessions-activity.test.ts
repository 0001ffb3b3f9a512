// session: and population.activity: resolved into the scenario, and refused where they cannot hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

const text = (extra: string, population = '{ size: 100 }'): string => `phases:
  - kind: steady
    rate: 100
    duration: 5s
population: ${population}
behaviours:
  - kind: pageview
${extra}
`;

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof IngestbenchError ? error.code : 'not an IngestbenchError';
  }
  return undefined;
};

describe('session and population.activity', () => {
  it('resolves the agreed session shape, defaults filled in', () => {
    const s = parseScenario(
      text('session: { idle_timeout: 30m, events: { mean: 8 }, think_time: { mean: 20s }, pageleave: true }'),
      'a.yaml',
    );
    assert.deepEqual(s.session, {
      idleTimeoutMs: 1_800_000,
      meanEvents: 8,
      meanThinkMs: 20_000,
      pageleave: true,
    });
    const defaults = parseScenario(text('session: {}'), 'b.yaml');
    assert.deepEqual(defaults.session, {
      idleTimeoutMs: 1_800_000,
      meanEvents: 8,
      meanThinkMs: 20_000,
      pageleave: true,
    });
    assert.equal('session' in parseScenario(text(''), 'c.yaml'), false);
  });

  it('refuses an idle timeout posthog-js would clamp, and a $pageleave-only visit', () => {
    assert.equal(
      code(() => parseScenario(text('session: { idle_timeout: 30s }'), 'd.yaml')),
      'SCENARIO_INVALID',
    );
    assert.equal(
      code(() => parseScenario(text('session: { idle_timeout: 11h }'), 'e.yaml')),
      'SCENARIO_INVALID',
    );
    assert.equal(
      code(() => parseScenario(text('session: { events: { mean: 1.5 } }'), 'f.yaml')),
      'SCENARIO_INVALID',
    );
    assert.equal(
      parseScenario(text('session: { events: { mean: 1 }, pageleave: false }'), 'g.yaml').session?.meanEvents,
      1,
    );
    assert.equal(
      code(() => parseScenario(text('session: { think: 20s }'), 'h.yaml')),
      'SCENARIO_INVALID',
    );
  });

  it('resolves activity: zipf with its exponent, uniform as no activity', () => {
    assert.deepEqual(
      parseScenario(text('', '{ size: 100, activity: { zipf: 1.2 } }'), 'i.yaml').population.activity,
      {
        kind: 'zipf',
        exponent: 1.2,
      },
    );
    assert.equal(
      'activity' in parseScenario(text('', '{ size: 100, activity: uniform }'), 'j.yaml').population,
      false,
    );
    for (const bad of ['{ zipf: 0 }', '{ zipf: -1 }', 'pareto', '{ zipf: 1, uniform: 1 }']) {
      assert.equal(
        code(() => parseScenario(text('', `{ activity: ${bad} }`), 'k.yaml')),
        'SCENARIO_INVALID',
        bad,
      );
    }
  });
});
