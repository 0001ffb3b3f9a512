// The generator with sessions and skewed users: what the events carry, that the identity rules
// still hold, that the same seed gives the same events (skipped ones included), and that the
// top 1 % of users send what the zipf law predicts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventGenerator } from '../../src/generate/event-generator.js';
import { runTag } from '../../src/generate/event-uuid.js';
import { workloadFigures, topCountsNeeded } from '../../src/load/workload-skew.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { testScenario } from './scenario-fixture.js';

interface Event {
  event: string;
  distinct_id: string;
  timestamp: string;
  properties: Record<string, unknown>;
}

const START = Date.UTC(2026, 11, 7, 1, 0, 0);
const SESSION = { idleTimeoutMs: 30 * 60_000, meanEvents: 8, meanThinkMs: 20_000, pageleave: true };
/** 50 events/s: the planned offset of event n. */
const offsetOf = (n: number): number => n * 20;

function generator(scenario: Scenario, runId = 'run-sessions', seed = 99): EventGenerator {
  return new EventGenerator(scenario, {
    runId,
    runTag: runTag(runId),
    worker: 0,
    workers: 1,
    seed,
    startAtMs: START,
    offsetMs: offsetOf,
  });
}

function events(gen: EventGenerator, n: number): Event[] {
  return Array.from({ length: n }, (_, seq) => JSON.parse(gen.next(seq, START + offsetOf(seq))) as Event);
}

const userOf = (distinctId: string): number => Number(/-(?:anon|user)-(\d+)$/.exec(distinctId)![1]);

describe('EventGenerator with sessions', () => {
  const scenario = testScenario({ population: { size: 2000, returningShare: 0.1 }, session: SESSION });
  const stream = events(generator(scenario), 30_000);

  it('carries $session_id and $window_id, several events per session, $pageleave last in its window', () => {
    const byWindow = new Map<string, Event[]>();
    for (const e of stream) {
      const w = e.properties.$window_id as string;
      assert.equal(typeof e.properties.$session_id, 'string');
      byWindow.set(w, [...(byWindow.get(w) ?? []), e]);
    }
    const sessions = new Set(stream.map((e) => e.properties.$session_id));
    assert.ok(stream.length / sessions.size > 4, `${stream.length / sessions.size} events per session`);
    let closed = 0;
    for (const visit of byWindow.values()) {
      // One user and one session per window, and nothing after its $pageleave.
      assert.equal(new Set(visit.map((e) => userOf(e.distinct_id))).size, 1);
      assert.equal(new Set(visit.map((e) => e.properties.$session_id)).size, 1);
      const leave = visit.findIndex((e) => e.event === '$pageleave');
      if (leave >= 0) {
        assert.equal(leave, visit.length - 1);
        closed++;
      }
      // Timestamps keep the visit's order.
      for (let i = 1; i < visit.length; i++) assert.ok(visit[i]!.timestamp >= visit[i - 1]!.timestamp);
    }
    assert.ok(closed > 1000, `${closed} visits closed`);
    const pageleaves = stream.filter((e) => e.event === '$pageleave').length;
    assert.equal(pageleaves, closed);
  });

  it('still follows identified_only: a user’s class only goes from anonymous to identified', () => {
    const identified = new Set<number>();
    for (const e of stream) {
      const user = userOf(e.distinct_id);
      const isIdentified = e.properties.ingestbench_class === 'identified';
      assert.equal(e.properties.$process_person_profile, isIdentified);
      if (identified.has(user)) assert.ok(isIdentified, `user ${user} went back to anonymous`);
      if (isIdentified) identified.add(user);
    }
    assert.ok(identified.size > 100);
  });

  it('keeps the stable class mix of anonymous_share', () => {
    const mixed = testScenario({
      population: { size: 4000, returningShare: 0, anonymousShare: 0.3 },
      session: SESSION,
      activity: undefined,
    } as Partial<Scenario>);
    const gen = generator(mixed);
    let anonymous = 0;
    const n = 40_000;
    for (let seq = 0; seq < n; seq++) if (!gen.skip()) anonymous++;
    // Visits of one mean length whatever the class: the event share is the visit share.
    assert.ok(Math.abs(anonymous / n - 0.3) < 0.03, `anonymous share ${anonymous / n}`);
  });

  it('gives the same events for the same seed, also when some are skipped unsent', () => {
    const again = events(generator(scenario), 3000);
    assert.deepEqual(again, stream.slice(0, 3000));
    const gen = generator(scenario);
    const out: Event[] = [];
    for (let seq = 0; seq < 3000; seq++) {
      if (seq >= 1000 && seq < 1500) gen.skip();
      else out.push(JSON.parse(gen.next(seq, START + offsetOf(seq))) as Event);
    }
    assert.deepEqual(out, [...stream.slice(0, 1000), ...stream.slice(1500, 3000)]);
    const other = events(generator(scenario, 'run-sessions', 100), 3000);
    assert.notDeepEqual(other, stream.slice(0, 3000));
  });

  it('session ids carry the session’s start: the timestamp of its first event', () => {
    const first = new Map<string, string>();
    for (const e of stream)
      if (!first.has(e.properties.$session_id as string))
        first.set(e.properties.$session_id as string, e.timestamp);
    for (const [id, timestamp] of first) {
      const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
      assert.equal(new Date(ms).toISOString(), timestamp);
    }
  });
});

describe('population.activity: zipf', () => {
  const run = (scenario: Scenario, workers: number, n: number) => {
    const tallies = Array.from({ length: workers }, (_, worker) => {
      const gen = new EventGenerator(scenario, {
        runId: 'run-zipf',
        runTag: runTag('run-zipf'),
        worker,
        workers,
        seed: 5 + worker,
        startAtMs: START,
        offsetMs: (i) => (i * workers + worker) * 2,
      });
      for (let seq = 0; seq < n; seq++) gen.skip();
      return gen.workloadTally(topCountsNeeded(scenario.population.size));
    });
    return workloadFigures(scenario, tallies);
  };

  it('the top 1% of users send the share the zipf law predicts (without and with sessions)', () => {
    for (const session of [undefined, SESSION]) {
      const scenario = testScenario({
        population: { size: 10_000, returningShare: 0, activity: { kind: 'zipf', exponent: 1.1 } },
        ...(session ? { session } : {}),
      });
      const figures = run(scenario, 2, 100_000);
      assert.equal(figures.users, 10_000);
      assert.equal(figures.topUsers, 100);
      assert.equal(figures.events, 200_000);
      // s = 1.1 over 10,000 users split over two workers: the top 100 get 64.4 % of the events.
      assert.ok(Math.abs(figures.predictedTopShare - 0.644) < 0.001, `${figures.predictedTopShare}`);
      assert.ok(
        Math.abs(figures.topShare - figures.predictedTopShare) < 0.03,
        `${session ? 'sessions' : 'no sessions'}: measured ${figures.topShare}, predicted ${figures.predictedTopShare}`,
      );
      assert.equal(figures.sessions === null, session === undefined);
    }
  });

  it('uniform users are far less skewed: the top 1% send a few per cent', () => {
    const figures = run(testScenario({ population: { size: 10_000, returningShare: 0 } }), 1, 200_000);
    assert.equal(figures.predictedTopShare, 0.01);
    assert.ok(figures.topShare > 0.01 && figures.topShare < 0.03, `${figures.topShare}`);
  });

  it('with anonymous_share the prediction is per class pool, and the measure matches it', () => {
    const scenario = testScenario({
      population: {
        size: 10_000,
        returningShare: 0,
        anonymousShare: 0.8,
        activity: { kind: 'zipf', exponent: 1 },
      },
    });
    const figures = run(scenario, 1, 200_000);
    assert.ok(
      Math.abs(figures.topShare - figures.predictedTopShare) < 0.03,
      `${figures.topShare} vs ${figures.predictedTopShare}`,
    );
  });
});
