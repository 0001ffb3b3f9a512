// The query API's limits as PostHog enforces them per project (posthog/rate_limit.py, the
// ClickHouse client's per-team concurrency limit, the HogQL max execution time), as named
// profiles with numeric overrides. `cloud` is PostHog Cloud today; `legacy` is a project on the
// older plan (HogQL 120/hour); `none` lifts every limit, for runs that measure ingestion alone.

import { IngestbenchError } from '../../errors.js';

export const QUERY_LIMIT_PROFILES = ['cloud', 'legacy', 'none'] as const;
export type QueryLimitsName = (typeof QUERY_LIMIT_PROFILES)[number];

/** Every field is a bound; Infinity means no bound. */
export interface QueryLimits {
  /** Queries per project in any 60 s window. */
  readonly perMinute: number;
  /** Queries per project in any 3,600 s window. */
  readonly perHour: number;
  /** Queries of one project executing at once; more wait in a queue. */
  readonly concurrent: number;
  /** How long a query waits for a concurrency slot before it is refused (429, no Retry-After). */
  readonly queueTimeoutMs: number;
  /** A query running longer is cancelled and answered 504. */
  readonly maxExecutionMs: number;
}

export type QueryLimitOverrides = { readonly [K in keyof QueryLimits]?: number };

const CLOUD: QueryLimits = {
  perMinute: 240,
  perHour: 2_400,
  concurrent: 3,
  queueTimeoutMs: 30_000,
  maxExecutionMs: 10_000,
};

export const QUERY_LIMITS: Readonly<Record<QueryLimitsName, QueryLimits>> = {
  cloud: CLOUD,
  legacy: { ...CLOUD, perHour: 120 },
  none: {
    perMinute: Infinity,
    perHour: Infinity,
    concurrent: Infinity,
    queueTimeoutMs: Infinity,
    maxExecutionMs: Infinity,
  },
};

export function isQueryLimitsName(value: unknown): value is QueryLimitsName {
  return typeof value === 'string' && (QUERY_LIMIT_PROFILES as readonly string[]).includes(value);
}

/** A profile with overrides applied; each override must be a positive number (Infinity allowed). */
export function resolveQueryLimits(name: QueryLimitsName, overrides: QueryLimitOverrides = {}): QueryLimits {
  const limits: Record<keyof QueryLimits, number> = { ...QUERY_LIMITS[name] };
  for (const [key, value] of Object.entries(overrides) as [keyof QueryLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in limits)) throw new IngestbenchError('USAGE', `Unknown query limit ${key}.`);
    const whole = key === 'perMinute' || key === 'perHour' || key === 'concurrent';
    if (!(value > 0) || (whole && value !== Infinity && !Number.isInteger(value))) {
      throw new IngestbenchError(
        'USAGE',
        `The query limit ${key} must be a positive ${whole ? 'integer' : 'number'}, got ${value}.`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
