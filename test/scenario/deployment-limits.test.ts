// How a scenario's limits resolve against a target: the host's profile when none is named, the
// named one otherwise, explicit fields over either, custom's required numbers, older fields still
// read, and the plan line that says which and why.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { describeScenario } from '../../src/cli/describe-scenario.js';
import { IngestbenchError } from '../../src/errors.js';
import { withTargetLimits } from '../../src/scenario/deployment-limits.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import {
  referenceQueryLimits,
  serveLimitArgs,
  targetDefaultProfile,
} from '../../src/targets/reference-query-limits.js';

const MINIMAL = `phases:\n  - kind: steady\n    rate: 10\n    duration: 10s\nbehaviours:\n  - kind: pageview\n`;
const withObservation = (lines: string): string => `${MINIMAL}observation:\n${lines}`;
const CLOUD = 'https://us.posthog.com';
const LOCAL = 'http://127.0.0.1:8010';

const budgetOf = (yaml: string, url: string) => {
  const o = withTargetLimits(parseScenario(yaml, '<inline>'), url).observation;
  return [o.queryBudgetPerMinute, o.queryBudgetPerHour, o.maxConcurrentQueries, o.resolvedLimits?.profile];
};

describe('deployment limits of a scenario', () => {
  it("no profile named: PostHog Cloud's host is cloud, any other self-hosted (still 3 in flight)", () => {
    assert.deepEqual(budgetOf(MINIMAL, CLOUD), [240, 2400, 3, 'cloud']);
    assert.deepEqual(budgetOf(MINIMAL, LOCAL), [Infinity, Infinity, 3, 'self-hosted']);
    const local = withTargetLimits(parseScenario(MINIMAL, '<inline>'), LOCAL).observation.resolvedLimits!;
    assert.deepEqual([local.source, local.host, local.requestTimeoutMs], ['host', '127.0.0.1:8010', 70_000]);
    assert.equal(local.deployment.maxQueryMs, 60_000);
  });

  it('a named profile wins over the host', () => {
    assert.deepEqual(budgetOf(withObservation('  limits: cloud-legacy\n'), CLOUD), [
      Infinity,
      120,
      3,
      'cloud-legacy',
    ]);
    assert.deepEqual(budgetOf(withObservation('  limits: cloud\n'), LOCAL), [240, 2400, 3, 'cloud']);
    assert.deepEqual(budgetOf(withObservation('  limits: self-hosted\n'), CLOUD), [
      Infinity,
      Infinity,
      3,
      'self-hosted',
    ]);
  });

  it("explicit fields override the profile's numbers; max_query_time sets the request timeout", () => {
    const yaml = withObservation(
      '  limits: cloud\n  queries_per_minute: 100\n  max_concurrent_queries: 10\n  max_query_time: 30s\n',
    );
    assert.deepEqual(budgetOf(yaml, LOCAL), [100, 2400, 10, 'cloud']);
    const r = withTargetLimits(parseScenario(yaml, '<inline>'), LOCAL).observation.resolvedLimits!;
    // The deployment's own cap stays the profile's; its time limit is the scenario's.
    assert.deepEqual(r.deployment, { perMinute: 240, perHour: 2400, concurrent: 3, maxQueryMs: 30_000 });
    assert.equal(r.requestTimeoutMs, 30_000 + 30_000 + 10_000);
  });

  it('older scenarios stay valid: query_budget is queries_per_minute over the host profile', () => {
    assert.deepEqual(budgetOf(withObservation('  query_budget: 600\n'), CLOUD), [600, 2400, 3, 'cloud']);
    assert.deepEqual(
      budgetOf(
        withObservation('  queries_per_minute: 60\n  queries_per_hour: 120\n  max_concurrent_queries: 1\n'),
        LOCAL,
      ),
      [60, 120, 1, 'self-hosted'],
    );
  });

  it('custom takes all four numbers, and says which are missing', () => {
    const yaml = withObservation(
      '  limits: custom\n  queries_per_minute: 30\n  queries_per_hour: 300\n  max_concurrent_queries: 2\n  max_query_time: 20s\n',
    );
    assert.deepEqual(budgetOf(yaml, CLOUD), [30, 300, 2, 'custom']);
    assert.throws(
      () => parseScenario(withObservation('  limits: custom\n  queries_per_minute: 30\n'), '<inline>'),
      (e: unknown) =>
        e instanceof IngestbenchError &&
        e.code === 'SCENARIO_INVALID' &&
        /observation\.limits: limits: custom needs queries_per_hour, max_concurrent_queries, max_query_time/.test(
          e.message,
        ),
    );
    assert.throws(() => parseScenario(withObservation('  limits: cloudy\n'), '<inline>'), {
      code: 'SCENARIO_INVALID',
    });
  });

  it('the plan line names the profile and why', () => {
    const s = parseScenario(MINIMAL, '<inline>');
    assert.match(
      describeScenario(withTargetLimits(s, CLOUD)),
      /observe .*≤ 240 queries\/min, ≤ 2400\/hour, ≤ 3 at once.*limits cloud \(from the host us\.posthog\.com: PostHog Cloud: 240\/min, 2,400\/hour, 3 concurrent per team, 10 s per query\)/,
    );
    assert.match(
      describeScenario(withTargetLimits(s, LOCAL)),
      /no minute window, no hourly window, ≤ 3 at once.*limits self-hosted \(from the host 127\.0\.0\.1:8010: not PostHog Cloud: no minute window, no hourly window, no concurrency cap, 60 s per query\)/,
    );
    // validate knows no target: planned as cloud, and says so.
    assert.match(describeScenario(s), /limits cloud \(until the target is known; from its host/);
    assert.match(
      describeScenario(parseScenario(withObservation('  limits: cloud-legacy\n'), '<inline>')),
      /limits cloud-legacy \(observation\.limits: no minute window, 120\/hour/,
    );
  });

  it('a reference target started for the run enforces the profile planned, never the harness budget', () => {
    const plain = parseScenario(MINIMAL, '<inline>');
    // The embedded target stands for PostHog Cloud unless the scenario says otherwise, on both sides.
    assert.deepEqual(referenceQueryLimits(plain.observation.limits, 'embedded'), { queryLimits: 'cloud' });
    const embedded = withTargetLimits(plain, LOCAL, targetDefaultProfile('embedded')).observation;
    assert.deepEqual(
      [embedded.queryBudgetPerMinute, embedded.queryBudgetPerHour, embedded.resolvedLimits?.source],
      [240, 2400, 'target'],
    );
    assert.match(
      describeScenario(withTargetLimits(plain, LOCAL, 'cloud')),
      /limits cloud \(the reference target's default/,
    );
    // The containers target is reached on loopback: self-hosted, as the host rule says.
    assert.equal(targetDefaultProfile('containers'), undefined);
    assert.deepEqual(referenceQueryLimits(plain.observation.limits, 'containers'), {
      queryLimits: 'self-hosted',
    });
    const cloud = parseScenario(withObservation('  limits: cloud\n  queries_per_minute: 1000\n'), '<inline>');
    assert.deepEqual(referenceQueryLimits(cloud.observation.limits, 'containers'), { queryLimits: 'cloud' });
    const custom = parseScenario(
      withObservation(
        '  limits: custom\n  queries_per_minute: 30\n  queries_per_hour: 300\n  max_concurrent_queries: 2\n  max_query_time: 20s\n',
      ),
      '<inline>',
    );
    const limits = referenceQueryLimits(custom.observation.limits, 'embedded');
    assert.deepEqual(limits, {
      queryLimits: 'custom',
      queryLimitOverrides: { perMinute: 30, perHour: 300, concurrent: 2, maxExecutionMs: 20_000 },
    });
    assert.deepEqual(serveLimitArgs(limits), [
      '--query-limits',
      'custom',
      '--query-per-minute',
      '30',
      '--query-per-hour',
      '300',
      '--query-concurrency',
      '2',
      '--query-time-limit',
      '20000ms',
    ]);
  });
});
