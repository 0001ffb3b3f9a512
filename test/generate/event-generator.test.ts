import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { EventGenerator } from '../../src/generate/event-generator.js';
import { decodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { testScenario } from './scenario-fixture.js';

interface Event {
  uuid: string;
  event: string;
  distinct_id: string;
  timestamp: string;
  properties: Record<string, unknown> & { $set?: Record<string, unknown>; $groups?: Record<string, string> };
  [key: string]: unknown;
}

const T0 = Date.UTC(2026, 10, 26, 8, 0, 0);

function generate(scenario: Scenario, runId: string, n: number, worker = 0, workers = 1, t0 = T0): Event[] {
  const gen = new EventGenerator(scenario, {
    runId,
    runTag: runTag(runId),
    worker,
    workers,
    seed: 1234 + worker,
  });
  return Array.from({ length: n }, (_, seq) => JSON.parse(gen.next(seq, t0 + seq * 1.5)) as Event);
}

/** User number from a generated distinct id (ib-<seed>-anon-<u> or ib-<seed>-user-<u>). */
const userOf = (distinctId: string): number => Number(/-(?:anon|user)-(\d+)$/.exec(distinctId)![1]);

describe('EventGenerator', () => {
  const scenario = testScenario();
  const events = generate(scenario, 'run-gen', 4000, 1, 3);

  it('gives every event its identity: uuid → (worker, seq), timestamp = intended, run, class, global seq', () => {
    const tag = runTag('run-gen');
    events.forEach((e, seq) => {
      const intended = T0 + seq * 1.5;
      assert.deepEqual(decodeEventUuid(e.uuid, tag), { worker: 1, seq, unixMs: Math.floor(intended) });
      assert.equal(e.timestamp, new Date(Math.floor(intended)).toISOString());
      assert.equal(e.properties.ingestbench_run, 'run-gen');
      assert.equal(e.properties.ingestbench_seq, seq * 3 + 1);
      assert.equal(e.properties.$lib, 'ingestbench');
      const identified = e.properties.ingestbench_class === 'identified';
      assert.equal(e.properties.$process_person_profile, identified);
      assert.equal('sent_at' in e, false);
    });
  });

  it('draws users of its own partition only (user ≡ worker mod W)', () => {
    const users = new Set(events.map((e) => userOf(e.distinct_id)));
    for (const u of users) assert.equal(u % 3, 1);
    assert.ok(users.size > 50, `only ${users.size} users`);
  });

  it('identified_only: a user is personless until identify, alias, set or group, then identified', () => {
    const turnedOn = new Set<number>();
    let anonymous = 0;
    for (const e of events) {
      const user = userOf(e.distinct_id);
      const personEvent = ['$identify', '$create_alias', '$set', '$groupidentify'].includes(e.event);
      if (personEvent) turnedOn.add(user);
      const identified = e.properties.ingestbench_class === 'identified';
      if (personEvent || turnedOn.has(user))
        assert.ok(identified, `${e.event} of user ${user} should be identified`);
      // A user sending with its anonymous id before any person event is anonymous (a returning
      // user would send with its identified id from the start).
      if (!turnedOn.has(user) && e.distinct_id.includes('-anon-')) assert.equal(identified, false);
      if (!identified) anonymous++;
    }
    assert.ok(anonymous > 100 && anonymous < events.length, `${anonymous} anonymous events`);
  });

  it('$identify merges the anonymous id once; $create_alias links it; $set and groups carry their fields', () => {
    const firstIdentify = new Map<number, Event>();
    let laterIdentify = 0;
    const inGroup = new Set<number>();
    for (const e of events) {
      const user = userOf(e.distinct_id);
      if (e.event === '$identify') {
        assert.match(e.distinct_id, /-user-\d+$/);
        assert.equal(typeof e.properties.$set?.email, 'string');
        if (e.properties.$anon_distinct_id !== undefined) {
          assert.equal(e.properties.$anon_distinct_id, e.distinct_id.replace('-user-', '-anon-'));
          assert.equal(firstIdentify.has(user), false, 'only the first identify carries $anon_distinct_id');
          firstIdentify.set(user, e);
        } else laterIdentify++;
      }
      if (e.event === '$create_alias') {
        assert.match(e.distinct_id, /-user-\d+$/);
        assert.equal(e.properties.alias, e.distinct_id.replace('-user-', '-anon-'));
      }
      if (e.event === '$set') assert.ok(['dark', 'light'].includes(String(e.properties.$set?.theme)));
      if (e.event === '$groupidentify') {
        assert.equal(e.properties.$group_type, 'company');
        assert.match(String(e.properties.$group_key), /^company-\d+$/);
        assert.ok(Number(String(e.properties.$group_key).slice(8)) < 20);
        assert.ok(
          ['retail', 'saas'].includes(String((e.properties.$group_set as Record<string, unknown>).industry)),
        );
        inGroup.add(user);
      }
      if (inGroup.has(user)) assert.match(String(e.properties.$groups?.company), /^company-\d+$/);
      else assert.equal(e.properties.$groups, undefined);
    }
    assert.ok(firstIdentify.size > 10 && laterIdentify > 0);
  });

  it('pageviews carry $current_url and custom events use the scenario names', () => {
    const pageviews = events.filter((e) => e.event === '$pageview');
    assert.ok(pageviews.length > 1000);
    for (const e of pageviews) assert.match(String(e.properties.$current_url), /^https?:\/\//);
    const custom = events.filter((e) => !e.event.startsWith('$'));
    assert.deepEqual([...new Set(custom.map((e) => e.event))].sort(), ['cart item added', 'product viewed']);
    for (const e of custom) assert.equal(e.properties.source, 'bench');
  });

  it('picks behaviours by weight', () => {
    const share = (name: string): number => events.filter((e) => e.event === name).length / events.length;
    assert.ok(Math.abs(share('$pageview') - 0.4) < 0.04, `pageview ${share('$pageview')}`);
    assert.ok(Math.abs(share('$groupidentify') - 0.1) < 0.03, `group ${share('$groupidentify')}`);
  });

  it("person_profiles 'always': every event is identified", () => {
    const always = generate(testScenario({ personProfiles: 'always' }), 'run-always', 500);
    for (const e of always) {
      assert.equal(e.properties.ingestbench_class, 'identified');
      assert.equal(e.properties.$process_person_profile, true);
    }
  });

  it('same seed and plan → the same events apart from run id, distinct ids and times', () => {
    // Distinct ids carry a salt of the run id (ib-<seed>-<salt>-…); everything else is the seed's.
    const salts = new Set<string>();
    const unsalt = (text: string): string =>
      text.replace(/ib-([0-9a-z]+)-([0-9a-z]+)-/g, (_m, seed: string, salt: string) => {
        salts.add(salt);
        return `ib-${seed}-SALT-`;
      });
    const strip = (e: Event): unknown => {
      const { uuid, timestamp: _t, properties, ...rest } = e;
      const { ingestbench_run: _r, ...props } = properties;
      return JSON.parse(unsalt(JSON.stringify({ ...rest, props, uuidTail: uuid.slice(14) }))) as unknown;
    };
    const a = generate(scenario, 'run-a', 500, 1, 3).map(strip);
    assert.equal(salts.size, 1);
    const b = generate(scenario, 'run-b', 500, 1, 3, T0 + 3_600_000).map(strip);
    assert.equal(salts.size, 2, 'the second run salts its distinct ids differently');
    const idsOf = (runId: string): Set<string> =>
      new Set(generate(scenario, runId, 500, 1, 3).map((e) => e.distinct_id));
    const idsA = idsOf('run-a');
    assert.ok(
      [...idsOf('run-b')].every((id) => !idsA.has(id)),
      'no distinct id is shared between runs',
    );
    // The uuid's random bits carry the run tag: compare everything but the run's own bits.
    const noTag = (x: unknown): unknown => ({
      ...(x as object),
      uuidTail: (x as { uuidTail: string }).uuidTail.slice(-10),
    });
    assert.deepEqual(a.map(noTag), b.map(noTag));
    const other = generate(testScenario({ seed: 43 }), 'run-a', 500, 1, 3).map(strip);
    assert.notDeepEqual(other.map(noTag), a.map(noTag));
  });

  it('skip() keeps the stream: later events are as if nothing was skipped, and it returns the class', () => {
    const full = new EventGenerator(scenario, { runId: 'r', runTag: 5, worker: 0, workers: 1, seed: 9 });
    const skipping = new EventGenerator(scenario, { runId: 'r', runTag: 5, worker: 0, workers: 1, seed: 9 });
    for (let seq = 0; seq < 600; seq++) {
      const text = full.next(seq, T0 + seq);
      if (seq >= 100 && seq < 400) {
        assert.equal(skipping.skip(), full.identified);
      } else {
        assert.equal(skipping.next(seq, T0 + seq), text);
      }
    }
  });

  it('refuses scenarios it cannot generate with SCENARIO_INVALID', () => {
    const isInvalid = (e: unknown): boolean => e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID';
    const custom = testScenario().behaviours[1]!;
    assert.throws(
      () => generate(testScenario({ behaviours: [{ ...custom, events: [] }] }), 'r', 1),
      isInvalid,
    );
    assert.throws(() => generate(testScenario({ behaviours: [] }), 'r', 1), isInvalid);
    assert.throws(
      () => generate(testScenario({ population: { size: 2, returningShare: 0 } }), 'r', 1, 2, 3),
      isInvalid,
    );
  });
});
