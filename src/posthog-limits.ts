// PostHog's query API limits, in the one place both sides read them: the harness plans its polls
// and request timeouts from them (observe/), and the reference target enforces them (reference/).
// The numbers are facts from PostHog's source, by deployment:
// - `cloud`: teams with API queries enabled (posthog/api/query.py `get_throttles`):
//   APIQueriesBurstThrottle 240/minute + APIQueriesSustainedThrottle 2,400/hour, both keyed on
//   the hashed personal API key (posthog/rate_limit.py); 3 concurrent queries per team
//   (posthog/clickhouse/client/limit.py, or the organisation's API_QUERIES_CONCURRENCY plan
//   feature, hence configurable); an API time limit (API_QUERIES_MAX_EXECUTION_TIME, 10 s in the
//   code this was first read from, per-team overrides).
// - `cloud-legacy`: other cloud teams: HogQLQueryThrottle alone, 120/hour with no minute window
//   (per-team `api_query_rate_limit` overrides); no API time limit, so ClickHouse's 60 s applies
//   (posthog/hogql_queries/hogql_query_runner.py `api_query_max_execution_time`). The per-team
//   concurrency limiter is kept: assuming it away could only be kinder than PostHog.
// - `self-hosted`: RATE_LIMIT_ENABLED defaults to false (no throttle), no team concurrency cap,
//   ClickHouse max_execution_time 60 s (HogQLGlobalSettings).
// A query that finds every concurrency slot taken waits up to 30 s for one (limit.py
// `retry_timeout`), then is answered 429 without Retry-After.

import { IngestbenchError } from './errors.js';

export const DEPLOYMENT_PROFILES = ['cloud', 'cloud-legacy', 'self-hosted', 'custom'] as const;
export type DeploymentProfile = (typeof DEPLOYMENT_PROFILES)[number];
/** The profiles whose numbers are PostHog's; `custom` takes every number from the user. */
export type PostHogProfile = Exclude<DeploymentProfile, 'custom'>;

/** A deployment's query limits. Infinity means no bound. */
export interface DeploymentLimits {
  /** Queries per personal API key in any 60 s window. */
  readonly perMinute: number;
  /** Queries per personal API key in any 3,600 s window. */
  readonly perHour: number;
  /** Queries of one team executing at once; 0 when the organisation is over its API-queries quota. */
  readonly concurrent: number;
  /** A query running longer is cancelled (504). */
  readonly maxQueryMs: number;
}

/** The limits a client of the query API plans by: both windows and the concurrency cap. */
export type QueryLimits = Pick<DeploymentLimits, 'perMinute' | 'perHour' | 'concurrent'>;

const CLICKHOUSE_MAX_EXECUTION_MS = 60_000;

export const POSTHOG_LIMITS: Readonly<Record<PostHogProfile, DeploymentLimits>> = {
  cloud: { perMinute: 240, perHour: 2_400, concurrent: 3, maxQueryMs: 10_000 },
  'cloud-legacy': {
    perMinute: Infinity,
    perHour: 120,
    concurrent: 3,
    maxQueryMs: CLICKHOUSE_MAX_EXECUTION_MS,
  },
  'self-hosted': {
    perMinute: Infinity,
    perHour: Infinity,
    concurrent: Infinity,
    maxQueryMs: CLICKHOUSE_MAX_EXECUTION_MS,
  },
};

/** How long a query waits for a team's concurrency slot before PostHog answers 429 (limit.py). */
export const CONCURRENCY_QUEUE_MS = 30_000;

/**
 * Queries the harness keeps in flight at most where the deployment sets no cap (self-hosted): a
 * poll sends two at once (the recent window and the stragglers) and a third lets the final count
 * or the drill-down run beside them. More would add load to the very store being measured.
 */
export const HARNESS_MAX_CONCURRENT = 3;

/** Added to the longest a query may take on the server (queue wait + execution) for a request timeout. */
export const REQUEST_TIMEOUT_MARGIN_MS = 10_000;

export function isDeploymentProfile(value: unknown): value is DeploymentProfile {
  return typeof value === 'string' && (DEPLOYMENT_PROFILES as readonly string[]).includes(value);
}

/**
 * PostHog Cloud's hosts (us/eu capture `*.i.posthog.com`, app and query `us|eu|app.posthog.com`)
 * are all under posthog.com; any other host is a self-hosted deployment (or the reference target).
 */
export function profileForHost(url: string): 'cloud' | 'self-hosted' {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return 'self-hosted';
  }
  return host === 'posthog.com' || host.endsWith('.posthog.com') ? 'cloud' : 'self-hosted';
}

/**
 * The client's request timeout for a query: the longest the server may hold it (a wait for a
 * concurrency slot where there is a cap, then the execution limit) plus a margin, so a slow query
 * reads as the server's 504 and a held one as its 429, never as "the target did not answer".
 */
export function requestTimeoutFor(limits: Pick<DeploymentLimits, 'concurrent' | 'maxQueryMs'>): number {
  const queue = Number.isFinite(limits.concurrent) ? CONCURRENCY_QUEUE_MS : 0;
  const run = Number.isFinite(limits.maxQueryMs) ? limits.maxQueryMs : CLICKHOUSE_MAX_EXECUTION_MS;
  return queue + run + REQUEST_TIMEOUT_MARGIN_MS;
}

export type DeploymentLimitOverrides = { readonly [K in keyof DeploymentLimits]?: number | undefined };

/**
 * A profile's numbers with overrides applied (an override wins). `custom` starts from no bounds
 * at all. Rates are whole numbers ≥ 1, concurrency a whole number ≥ 0 (0: every query is held,
 * as for an organisation over its quota), the query time above 0; Infinity lifts a bound.
 */
export function deploymentLimits(
  profile: DeploymentProfile,
  overrides: DeploymentLimitOverrides = {},
): DeploymentLimits {
  const base: DeploymentLimits =
    profile === 'custom'
      ? { perMinute: Infinity, perHour: Infinity, concurrent: Infinity, maxQueryMs: Infinity }
      : POSTHOG_LIMITS[profile];
  const limits: Record<keyof DeploymentLimits, number> = { ...base };
  for (const key of Object.keys(limits) as (keyof DeploymentLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    const least = key === 'concurrent' ? 0 : key === 'maxQueryMs' ? Number.MIN_VALUE : 1;
    const whole = key !== 'maxQueryMs';
    if (!(value >= least) || (whole && value !== Infinity && !Number.isInteger(value))) {
      throw new IngestbenchError(
        'USAGE',
        `the query limit ${key} must be ${whole ? `a whole number ≥ ${least}` : 'above 0'}, got ${value}`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
