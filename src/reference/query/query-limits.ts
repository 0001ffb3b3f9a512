// The reference query API's limits: PostHog's deployment profiles (posthog-limits.ts, the one
// place their numbers live) in the shape the handler enforces them, plus `none`, which lifts
// every limit for runs that measure ingestion alone (`custom` with no numbers given). `legacy` is the older name of
// `cloud-legacy`, still read. The minute and hour windows count per personal API key and the
// concurrency slots per project (team), as PostHog keys them.

import { IngestbenchError } from '../../errors.js';
import {
  CONCURRENCY_QUEUE_MS,
  DEPLOYMENT_PROFILES,
  deploymentLimits,
  type DeploymentLimitOverrides,
  type DeploymentProfile,
  type QueryLimits as ClientQueryLimits,
} from '../../posthog-limits.js';

export const QUERY_LIMIT_PROFILES = [...DEPLOYMENT_PROFILES, 'none'] as const;
export type QueryLimitsName = (typeof QUERY_LIMIT_PROFILES)[number] | 'legacy';

/**
 * Every field is a bound; Infinity means no bound. The windows and the concurrency cap are the
 * ones a client plans by (posthog-limits.ts); a project's queries past the cap wait in a queue
 * (0: every query waits).
 */
export interface QueryLimits extends ClientQueryLimits {
  /** How long a query waits for a concurrency slot before it is refused (429, no Retry-After). */
  readonly queueTimeoutMs: number;
  /** A query running longer is cancelled and answered 504. */
  readonly maxExecutionMs: number;
}

export type QueryLimitOverrides = { readonly [K in keyof QueryLimits]?: number };

const UNLIMITED: QueryLimits = {
  perMinute: Infinity,
  perHour: Infinity,
  concurrent: Infinity,
  queueTimeoutMs: Infinity,
  maxExecutionMs: Infinity,
};

export function isQueryLimitsName(value: unknown): value is QueryLimitsName {
  return (
    value === 'legacy' ||
    (typeof value === 'string' && (QUERY_LIMIT_PROFILES as readonly string[]).includes(value))
  );
}

/** A profile with overrides applied. Rates ≥ 1, concurrency ≥ 0, times above 0; Infinity lifts one. */
export function resolveQueryLimits(name: QueryLimitsName, overrides: QueryLimitOverrides = {}): QueryLimits {
  const { queueTimeoutMs, maxExecutionMs, ...rest } = overrides;
  if (queueTimeoutMs !== undefined && !(queueTimeoutMs > 0)) {
    throw new IngestbenchError(
      'USAGE',
      `The query limit queueTimeoutMs must be above 0, got ${queueTimeoutMs}.`,
    );
  }
  // `none` is `custom` with nothing given: no bound at all.
  const profile: DeploymentProfile = name === 'legacy' ? 'cloud-legacy' : name === 'none' ? 'custom' : name;
  const given: DeploymentLimitOverrides = { ...rest, maxQueryMs: maxExecutionMs };
  const { perMinute, perHour, concurrent, maxQueryMs } = deploymentLimits(profile, given);
  return {
    perMinute,
    perHour,
    concurrent,
    maxExecutionMs: maxQueryMs,
    // PostHog holds a query up to 30 s for a slot; with no cap there is nothing to wait for.
    queueTimeoutMs: queueTimeoutMs ?? (Number.isFinite(concurrent) ? CONCURRENCY_QUEUE_MS : Infinity),
  };
}

/** Every profile's limits with no overrides (tests and docs read them by name). */
export const QUERY_LIMITS: Readonly<Record<Exclude<QueryLimitsName, 'custom'>, QueryLimits>> = {
  cloud: resolveQueryLimits('cloud'),
  'cloud-legacy': resolveQueryLimits('cloud-legacy'),
  legacy: resolveQueryLimits('cloud-legacy'),
  'self-hosted': resolveQueryLimits('self-hosted'),
  none: UNLIMITED,
};
