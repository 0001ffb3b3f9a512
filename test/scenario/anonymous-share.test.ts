// population.anonymous_share: resolved into the scenario, and refused where it cannot hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

const text = (population: string, profiles = 'identified_only'): string => `phases:
  - kind: steady
    rate: 100
    duration: 5s
population: ${population}
person_profiles: ${profiles}
behaviours:
  - kind: pageview
  - kind: identify
`;

describe('population.anonymous_share', () => {
  it('is resolved as anonymousShare, absent when not given', () => {
    assert.equal(
      parseScenario(text('{ size: 100, anonymous_share: 0.25 }'), 'a.yaml').population.anonymousShare,
      0.25,
    );
    assert.equal('anonymousShare' in parseScenario(text('{ size: 100 }'), 'b.yaml').population, false);
  });

  it('refuses a share out of 0..1 and a share with person_profiles: always', () => {
    for (const [population, profiles] of [
      ['{ anonymous_share: 1.5 }', 'identified_only'],
      ['{ anonymous_share: 0.5 }', 'always'],
    ] as const) {
      assert.throws(
        () => parseScenario(text(population, profiles), 'c.yaml'),
        (e: unknown) =>
          e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID' && /anonymous_share/.test(e.message),
      );
    }
    // Share 0 says "all identified": consistent with 'always'.
    assert.equal(
      parseScenario(text('{ anonymous_share: 0 }', 'always'), 'd.yaml').population.anonymousShare,
      0,
    );
  });
});
