// The query limits a started reference target enforces for a run: the deployment the run plans
// to. A scenario that names a profile gets it on both sides. One that names none: the embedded
// target stands for PostHog Cloud (`cloud`: the deployment most users have, and a poll budget
// that keeps the harness's queries from taking the CPU of the machine the target shares with the
// load); the containers target, reached on a loopback host, is `self-hosted` (no throttle, no
// concurrency cap, 60 s per query: what a self-hosted PostHog gives), as the host rule says. The scenario's rates and in-flight cap are the harness's own budget
// and do not loosen the target; its max_query_time, and every number of `custom`, describe the
// deployment and are applied. Never kinder than the deployment the run plans to.

import type { QueryLimitOverrides, QueryLimitsName } from '../reference/query/query-limits.js';
import type { DeploymentProfile } from '../posthog-limits.js';
import type { ObservationLimits } from '../scenario/scenario.js';

export interface ReferenceQueryLimits {
  readonly queryLimits: QueryLimitsName;
  readonly queryLimitOverrides?: QueryLimitOverrides;
}

/** The profile a target kind stands for when the scenario names none (undefined: its host decides). */
export function targetDefaultProfile(kind: string): DeploymentProfile | undefined {
  return kind === 'embedded' ? 'cloud' : undefined;
}

export function referenceQueryLimits(
  limits: ObservationLimits | undefined,
  /** The target's kind (`--target`): embedded, containers or posthog. */
  kind: string,
): ReferenceQueryLimits {
  const profile = limits?.profile ?? targetDefaultProfile(kind) ?? 'self-hosted';
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
