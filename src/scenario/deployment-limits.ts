// Which query limits a run keeps to: the scenario's `observation.limits` profile (or, absent, the
// one the target's host implies: PostHog Cloud → cloud, anything else → self-hosted), with every
// number the scenario gives overriding the profile's. Until the target is known (`validate`, a
// freshly loaded scenario) a profile left to the host is planned as cloud, the strictest default,
// so nothing planned before the target is known can be kinder than PostHog. Pure.

import {
  deploymentLimits,
  HARNESS_MAX_CONCURRENT,
  profileForHost,
  requestTimeoutFor,
  type DeploymentProfile,
} from '../posthog-limits.js';
import type { ObservationLimits, ResolvedLimits, Scenario } from './scenario.js';

/**
 * `targetProfile`: the profile a target stands for whatever its host (the embedded reference
 * target runs PostHog Cloud's limits by default: reference-query-limits.ts).
 */
export function resolveLimits(
  limits: ObservationLimits,
  queryUrl: string | null,
  targetProfile?: DeploymentProfile,
): ResolvedLimits {
  const hostProfile = queryUrl === null ? null : profileForHost(queryUrl);
  const profile = limits.profile ?? targetProfile ?? hostProfile ?? 'cloud';
  const source =
    limits.profile !== null
      ? 'scenario'
      : targetProfile !== undefined
        ? 'target'
        : queryUrl === null
          ? 'assumed'
          : 'host';
  const deployment = deploymentLimits(
    profile,
    // A named profile keeps its own rates and cap: the scenario's are the harness's budget. The
    // time limit is the deployment's own, so it is taken from the scenario for any profile.
    profile === 'custom' ? limits.given : { maxQueryMs: limits.given.maxQueryMs },
  );
  const concurrent = limits.given.concurrent ?? deployment.concurrent;
  return {
    profile,
    source,
    host: source === 'host' && queryUrl !== null ? new URL(queryUrl).host : null,
    deployment,
    perMinute: limits.given.perMinute ?? deployment.perMinute,
    perHour: limits.given.perHour ?? deployment.perHour,
    concurrent: Number.isFinite(concurrent) ? concurrent : HARNESS_MAX_CONCURRENT,
    requestTimeoutMs: requestTimeoutFor(deployment),
  };
}

/**
 * The scenario with its query budget resolved against the target's query URL. Scenarios built
 * as literals without `observation.limits` keep their numbers as they are.
 */
export function withTargetLimits(
  scenario: Scenario,
  queryUrl: string,
  targetProfile?: DeploymentProfile,
): Scenario {
  const spec = scenario.observation.limits;
  if (spec === undefined) return scenario;
  const resolved = resolveLimits(spec, queryUrl, targetProfile);
  return {
    ...scenario,
    observation: {
      ...scenario.observation,
      queryBudgetPerMinute: resolved.perMinute,
      queryBudgetPerHour: resolved.perHour,
      maxConcurrentQueries: resolved.concurrent,
      resolvedLimits: resolved,
    },
  };
}

const perWindow = (n: number, unit: 'min' | 'hour'): string =>
  Number.isFinite(n)
    ? `${n.toLocaleString('en-US')}/${unit}`
    : unit === 'min'
      ? 'no minute window'
      : 'no hourly window';

/** The plan line's words for the limits: which profile, why, and its numbers. */
export function describeLimits(r: ResolvedLimits): string {
  const why =
    r.source === 'scenario'
      ? 'observation.limits'
      : r.source === 'host'
        ? `from the host ${r.host ?? '?'}${r.profile === 'cloud' ? ': PostHog Cloud' : ': not PostHog Cloud'}`
        : r.source === 'target'
          ? "the reference target's default, PostHog Cloud's"
          : "until the target is known; from its host: PostHog Cloud's → cloud, any other → self-hosted";
  const d = r.deployment;
  const cap = Number.isFinite(d.concurrent) ? `${d.concurrent} concurrent per team` : 'no concurrency cap';
  const time = Number.isFinite(d.maxQueryMs) ? `${d.maxQueryMs / 1000} s per query` : 'no query time limit';
  return `limits ${r.profile} (${why}: ${perWindow(d.perMinute, 'min')}, ${perWindow(d.perHour, 'hour')}, ${cap}, ${time})`;
}
