import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';

const MINIMAL = `phases:
  - kind: steady
    rate: 100
    duration: 10s
behaviours:
  - kind: pageview
`;

const THREE_PHASES = `name: three
phases:
  - kind: warmup
    rate: 100
    duration: 10s
  - kind: ramp
    from: 100
    to: 400
    duration: 1m
  - kind: steady
    rate: 400
    duration: 2m
  - kind: steady
    name: spike
    rate: 800
    duration: 30s
behaviours:
  - kind: pageview
    weight: 3
  - kind: custom
    weight: 1
    events: [invite sent]
    properties:
      plan: { one_of: [free, paid] }
      seats: { int: [1, 9] }
      source: web
      trial: false
      nothing: null
  - kind: group
    weight: 0
    properties:
      name: { faker: company.name }
  - kind: alias
`;

describe('resolveScenario defaults', () => {
  it('fills every default from the schema', () => {
    const s = parseScenario(MINIMAL, 'dir/my-test.yaml');
    assert.equal(s.name, 'my-test', 'the file name when there is no name:');
    assert.equal(s.source, 'dir/my-test.yaml');
    assert.equal(s.description, '');
    assert.equal(s.seed, 1);
    assert.equal(s.batchSize, 100);
    assert.equal(s.compression, 'gzip');
    assert.equal(s.endpoint, '/batch/');
    assert.deepEqual(s.population, { size: 10_000, returningShare: 0 });
    assert.equal(s.personProfiles, 'identified_only');
    assert.deepEqual(s.observation, {
      pollIntervalMs: 1_000,
      queryBudgetPerMinute: 240,
      queryBudgetPerHour: 2400,
      maxConcurrentQueries: 3,
      drainTimeoutMs: 60_000,
      method: 'auto',
      bucketMs: 1_000,
      // No profile named: the target's host decides; until it is known, planned as cloud.
      limits: { profile: null, given: {} },
      resolvedLimits: {
        profile: 'cloud',
        source: 'assumed',
        host: null,
        deployment: { perMinute: 240, perHour: 2400, concurrent: 3, maxQueryMs: 10_000 },
        perMinute: 240,
        perHour: 2400,
        concurrent: 3,
        // 30 s concurrency wait + 10 s execution + 10 s margin.
        requestTimeoutMs: 50_000,
      },
    });
    assert.deepEqual(s.sla, []);
    assert.equal(s.maxInFlight, 64);
    assert.equal(s.requestTimeoutMs, 10_000);
    assert.equal(s.maxRetries, 3);
    assert.deepEqual(s.preflight, { probeTimeoutMs: 120_000 });
    assert.deepEqual(s.loadApplied, { maxDropped: 0.01, minAchieved: 0.99 });
  });

  it('load_applied takes percentages or fractions, or false; preflight.probe_timeout a duration', () => {
    const relaxed = parseScenario(
      `${MINIMAL}load_applied: { max_dropped: 5%, min_achieved: 0.9 }\npreflight: { probe_timeout: 30s }\n`,
      '<inline>',
    );
    assert.deepEqual(relaxed.loadApplied, { maxDropped: 0.05, minAchieved: 0.9 });
    assert.deepEqual(relaxed.preflight, { probeTimeoutMs: 30_000 });
    assert.equal(parseScenario(`${MINIMAL}load_applied: false\n`, '<inline>').loadApplied, null);
    assert.deepEqual(parseScenario(MINIMAL, '<inline>', { probeTimeoutMs: 5_000 }).preflight, {
      probeTimeoutMs: 5_000,
    });
    assert.throws(
      () => parseScenario(`${MINIMAL}load_applied: { max_dropped: lots }\n`, '<inline>'),
      (e: unknown) =>
        e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID' && /load_applied/.test(e.message),
    );
    assert.throws(
      () => parseScenario(`${MINIMAL}load_applied: true\n`, '<inline>'),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'SCENARIO_INVALID',
    );
  });

  it('reads the query budget: per minute (or the older query_budget), per hour, concurrency', () => {
    const older = parseScenario(`${MINIMAL}observation:\n  query_budget: 600\n`, '<inline>');
    assert.equal(older.observation.queryBudgetPerMinute, 600);
    assert.equal(older.observation.queryBudgetPerHour, 2400);
    const both = parseScenario(
      `${MINIMAL}observation:\n  query_budget: 600\n  queries_per_minute: 60\n  queries_per_hour: 120\n  max_concurrent_queries: 1\n`,
      '<inline>',
    );
    assert.equal(both.observation.queryBudgetPerMinute, 60, 'queries_per_minute wins over query_budget');
    assert.equal(both.observation.queryBudgetPerHour, 120);
    assert.equal(both.observation.maxConcurrentQueries, 1);
  });

  it('gives a pageview a $current_url from faker unless the file sets one', () => {
    const s = parseScenario(MINIMAL, '<inline>');
    assert.deepEqual(s.behaviours, [
      {
        name: 'pageview',
        kind: 'pageview',
        weight: 1,
        events: [],
        properties: { $current_url: { kind: 'faker', path: 'internet.url' } },
        groupType: null,
        groupCount: 0,
        sdk: 'none',
      },
    ]);
    // The posthog-js profile sends $current_url from its site map, with $host and $pathname.
    const js = parseScenario(
      MINIMAL.replace('- kind: pageview', '- kind: pageview\n    sdk: posthog-js'),
      '<inline>',
    );
    assert.deepEqual(js.behaviours[0]?.properties, {});
    assert.equal(js.behaviours[0]?.sdk, 'posthog-js');
    const own = parseScenario(
      MINIMAL.replace(
        '- kind: pageview',
        '- kind: pageview\n    properties: { $current_url: https://x.test/ }',
      ),
      '<inline>',
    );
    assert.deepEqual(own.behaviours[0]?.properties, {
      $current_url: { kind: 'const', value: 'https://x.test/' },
    });
  });
});

describe('resolveScenario phases and behaviours', () => {
  const s = parseScenario(THREE_PHASES, '<inline>');

  it('converts durations, names phases, and marks warmup unmeasured', () => {
    assert.deepEqual(s.phases, [
      { name: 'warmup', kind: 'warmup', durationMs: 10_000, fromRate: 100, toRate: 100, measured: false },
      { name: 'ramp', kind: 'ramp', durationMs: 60_000, fromRate: 100, toRate: 400, measured: true },
      { name: 'steady-1', kind: 'steady', durationMs: 120_000, fromRate: 400, toRate: 400, measured: true },
      { name: 'spike', kind: 'steady', durationMs: 30_000, fromRate: 800, toRate: 800, measured: true },
    ]);
  });

  it('normalises weights and resolves each generator kind', () => {
    assert.deepEqual(
      s.behaviours.map((b) => [b.name, b.weight]),
      [
        ['pageview', 0.6],
        ['custom', 0.2],
        ['group', 0],
        ['alias', 0.2],
      ],
    );
    assert.deepEqual(s.behaviours[1]?.events, ['invite sent']);
    assert.deepEqual(s.behaviours[1]?.properties, {
      plan: { kind: 'oneOf', values: ['free', 'paid'] },
      seats: { kind: 'int', min: 1, max: 9 },
      source: { kind: 'const', value: 'web' },
      trial: { kind: 'const', value: false },
      nothing: { kind: 'const', value: null },
    });
    const group = s.behaviours[2];
    assert.deepEqual([group?.groupType, group?.groupCount, group?.events], ['company', 10, []]);
    assert.deepEqual(group?.properties, { name: { kind: 'faker', path: 'company.name' } });
    assert.deepEqual(s.behaviours[3]?.properties, {});
  });
});

describe('resolveScenario overrides', () => {
  it('--rate scales every phase so the peak is the given rate', () => {
    const s = parseScenario(THREE_PHASES, '<inline>', { rate: 200 });
    assert.deepEqual(
      s.phases.map((p) => [p.fromRate, p.toRate]),
      [
        [25, 25],
        [25, 100],
        [100, 100],
        [200, 200],
      ],
    );
  });

  it('--duration sets the longest steady phase; without steady phases, the longest phase', () => {
    const s = parseScenario(THREE_PHASES, '<inline>', { durationMs: 5_000 });
    assert.deepEqual(
      s.phases.map((p) => p.durationMs),
      [10_000, 60_000, 5_000, 30_000],
    );
    const rampOnly = parseScenario(
      'phases:\n  - {kind: warmup, rate: 1, duration: 5m}\n  - {kind: ramp, from: 0, to: 9, duration: 1m}\nbehaviours: [{kind: pageview}]\n',
      '<inline>',
      { durationMs: 1_000 },
    );
    assert.deepEqual(
      rampOnly.phases.map((p) => p.durationMs),
      [1_000, 60_000],
    );
  });

  it('--seed replaces the seed', () => {
    assert.equal(parseScenario(MINIMAL, '<inline>', { seed: 99 }).seed, 99);
  });

  it('bad overrides are usage errors', () => {
    for (const overrides of [
      { rate: 0 },
      { rate: Number.NaN },
      { durationMs: -1 },
      { seed: 1.5 },
      { seed: 2 ** 32 },
    ]) {
      assert.throws(
        () => parseScenario(MINIMAL, '<inline>', overrides),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
        JSON.stringify(overrides),
      );
    }
  });
});
