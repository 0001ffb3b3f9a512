// The query limits a started reference target (embedded or in a container) enforces for a run: the
// deployment the run plans to. Its host is loopback, so a scenario that names no profile gets
// `self-hosted` (no throttle, no concurrency cap, 60 s per query: what a self-hosted PostHog
// gives); a scenario that names one gets that profile, so a rehearsal of a cloud run meets
// PostHog's 429s here first. The scenario's rates and in-flight cap are the harness's own budget
// and do not loosen the target; its max_query_time, and every number of `custom`, describe the
// deployment and are applied. Never kinder than the deployment the run plans to.

import type { QueryLimitOverrides, QueryLimitsName } from '../reference/query/query-limits.js';
import type { ObservationLimits } from '../scenario/deployment-limits.js';

export interface ReferenceQueryLimits {
  readonly queryLimits: QueryLimitsName;
  readonly queryLimitOverrides?: QueryLimitOverrides;
}

export function referenceQueryLimits(limits: ObservationLimits | undefined): ReferenceQueryLimits {
  const profile = limits?.profile ?? 'self-hosted';
  const given = limits?.given ?? {};
  const overrides: Record<string, number> = {};
  if (profile === 'custom') {
    if (given.perMinute !== undefined) overrides['perMinute'] = given.perMinute;
    if (given.perHour !== undefined) overrides['perHour'] = given.perHour;
    if (given.concurrent !== undefined) overrides['concurrent'] = given.concurrent;
  }
  if (given.maxQueryMs !== undefined) overrides['maxExecutionMs'] = given.maxQueryMs;
  return Object.keys(overrides).length > 0
    ? { queryLimits: profile, queryLimitOverrides: overrides }
    : { queryLimits: profile };
}

/** The same as `serve` flags, for a reference target started from its command line. */
export function serveLimitArgs(limits: ReferenceQueryLimits): string[] {
  const o = limits.queryLimitOverrides ?? {};
  const flag = (name: string, value: number | undefined): string[] =>
    value === undefined || !Number.isFinite(value) ? [] : [`--${name}`, String(value)];
  return [
    '--query-limits',
    limits.queryLimits,
    ...flag('query-per-minute', o.perMinute),
    ...flag('query-per-hour', o.perHour),
    ...flag('query-concurrency', o.concurrent),
    ...(o.maxExecutionMs === undefined ? [] : ['--query-time-limit', `${Math.ceil(o.maxExecutionMs)}ms`]),
  ];
}
