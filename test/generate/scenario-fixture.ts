// A resolved Scenario for load and generation tests, built directly (the YAML loader is tested
// on its own): small, every behaviour kind present, overridable per test.

import type { Behaviour, RatePhase, Scenario } from '../../src/scenario/scenario.js';

const behaviour = (b: Partial<Behaviour> & Pick<Behaviour, 'name' | 'kind' | 'weight'>): Behaviour => ({
  events: [],
  properties: {},
  groupType: null,
  groupCount: 0,
  ...b,
});

export const ALL_BEHAVIOURS: readonly Behaviour[] = [
  behaviour({
    name: 'browse',
    kind: 'pageview',
    weight: 0.4,
    properties: { $referrer: { kind: 'faker', path: 'internet.url' } },
  }),
  behaviour({
    name: 'shop',
    kind: 'custom',
    weight: 0.3,
    events: ['product viewed', 'cart item added'],
    properties: {
      product: { kind: 'faker', path: 'commerce.productName' },
      price: { kind: 'int', min: 1, max: 500 },
      plan: { kind: 'oneOf', values: ['free', 'pro'] },
      source: { kind: 'const', value: 'bench' },
    },
  }),
  behaviour({
    name: 'login',
    kind: 'identify',
    weight: 0.1,
    properties: { email: { kind: 'faker', path: 'internet.email' } },
  }),
  behaviour({ name: 'link', kind: 'alias', weight: 0.05 }),
  behaviour({
    name: 'profile',
    kind: 'set',
    weight: 0.05,
    properties: { theme: { kind: 'oneOf', values: ['dark', 'light'] } },
  }),
  behaviour({
    name: 'team',
    kind: 'group',
    weight: 0.1,
    groupType: 'company',
    groupCount: 20,
    properties: { industry: { kind: 'oneOf', values: ['retail', 'saas'] } },
  }),
];

export const steady = (rate: number, durationMs: number, measured = true): RatePhase => ({
  name: 'steady',
  kind: 'steady',
  durationMs,
  fromRate: rate,
  toRate: rate,
  measured,
});

export function testScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'test',
    description: 'load and generation tests',
    source: '<inline>',
    seed: 42,
    phases: [steady(1000, 1000)],
    batchSize: 10,
    compression: 'none',
    endpoint: '/batch/',
    population: { size: 200, returningShare: 0.25 },
    personProfiles: 'identified_only',
    behaviours: ALL_BEHAVIOURS,
    observation: {
      pollIntervalMs: 1000,
      queryBudgetPerMinute: 240,
      queryBudgetPerHour: 2400,
      maxConcurrentQueries: 3,
      drainTimeoutMs: 60_000,
    },
    sla: [],
    maxInFlight: 8,
    requestTimeoutMs: 5000,
    maxRetries: 2,
    preflight: { probeTimeoutMs: 120_000 },
    loadApplied: { maxDropped: 0.01, minAchieved: 0.99 },
    ...overrides,
  };
}
