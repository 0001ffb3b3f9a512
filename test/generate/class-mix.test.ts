// population.anonymous_share: the class of each event is drawn with that probability, so the mix
// does not follow the rate or the behaviours, and a user never changes class.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { EventGenerator } from '../../src/generate/event-generator.js';
import { runTag } from '../../src/generate/event-uuid.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { testScenario } from './scenario-fixture.js';

interface Event {
  event: string;
  distinct_id: string;
  properties: Record<string, unknown>;
}

function generate(scenario: Scenario, n: number, worker = 0, workers = 1): Event[] {
  const gen = new EventGenerator(scenario, { runId: 'mix', runTag: runTag('mix'), worker, workers, seed: 9 });
  return Array.from({ length: n }, (_, seq) => JSON.parse(gen.next(seq, 1e12 + seq)) as Event);
}

const withShare = (share: number, size = 2000): Scenario => {
  const base = testScenario();
  return testScenario({ population: { ...base.population, size, anonymousShare: share } });
};

describe('stable class mix (population.anonymous_share)', () => {
  it('sends the stated share of anonymous events, whatever the behaviours would have done', () => {
    for (const share of [0.1, 0.5, 0.9]) {
      const events = generate(withShare(share), 20_000);
      const anonymous = events.filter((e) => e.properties['ingestbench_class'] === 'anonymous').length;
      // Binomial, n = 20,000: 4 standard deviations are at most 1.4 points.
      assert.ok(Math.abs(anonymous / events.length - share) < 0.015, `share ${share}: ${anonymous}`);
    }
  });

  it('keeps each user in one class: anonymous users send only personless pageviews and custom events', () => {
    const events = generate(withShare(0.4), 10_000, 1, 2);
    const classOf = new Map<string, unknown>();
    for (const e of events) {
      const cls = e.properties['ingestbench_class'];
      const previous = classOf.get(e.distinct_id);
      assert.ok(previous === undefined || previous === cls, `${e.distinct_id} changed class`);
      classOf.set(e.distinct_id, cls);
      if (cls === 'anonymous') {
        assert.equal(e.properties['$process_person_profile'], false);
        assert.match(e.distinct_id, /-anon-\d+$/);
        assert.ok(!['$identify', '$create_alias', '$set', '$groupidentify'].includes(e.event), e.event);
      } else {
        assert.equal(e.properties['$process_person_profile'], true);
        assert.match(e.distinct_id, /-user-\d+$/);
        // Identified from the start: an identify never merges an anonymous id.
        assert.equal('$anon_distinct_id' in e.properties, false);
      }
    }
  });

  it('share 1 and share 0 give class-pure streams', () => {
    const anonymous = generate(withShare(1), 3000);
    assert.ok(anonymous.every((e) => e.properties['ingestbench_class'] === 'anonymous'));
    const identified = generate(withShare(0), 3000);
    assert.ok(identified.every((e) => e.properties['ingestbench_class'] === 'identified'));
    assert.ok(new Set(identified.map((e) => e.event)).has('$identify'));
  });

  it('refuses a share it cannot honour', () => {
    const base = testScenario();
    const onlyIdentify = testScenario({
      population: { ...base.population, anonymousShare: 0.5 },
      behaviours: base.behaviours.filter((b) => b.kind === 'identify'),
    });
    assert.throws(
      () => generate(onlyIdentify, 1),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID',
    );
    assert.throws(
      () => generate(withShare(0.5, 1), 1),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID',
    );
  });
});
