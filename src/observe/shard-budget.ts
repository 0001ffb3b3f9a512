// A shard's part of the key's query budget. Shards of one run are separate processes (often on
// separate machines) that query with one personal API key, and PostHog counts that key's queries
// together (posthog/rate_limit.py keys its throttles on the hashed key; the concurrency cap is the
// team's): so shard i of n plans and spends 1/n of each limit, rounded down (never more than the
// key allows in total) and at least 1 (a shard that may not query cannot observe). With at least
// one query each, n shards over a limit below n use n: the plan line says so.

import type { ShardSpec } from '../load/shard-spec.js';
import type { Observation } from '../scenario/scenario.js';
import { formatCount } from '../core/format.js';
import type { QueryLimits } from './query-budget.js';

/** 1/count of each limit, rounded down, at least 1; an unbounded limit stays unbounded. */
export function shardQueryLimits(limits: QueryLimits, count: number): QueryLimits {
  const part = (limit: number): number =>
    limit === Infinity ? Infinity : Math.max(1, Math.floor(limit / count));
  return {
    perMinute: part(limits.perMinute),
    perHour: part(limits.perHour),
    concurrent: part(limits.concurrent),
  };
}

/** The key's limits as a scenario's observation states them. */
export function observationLimits(o: Observation): QueryLimits {
  return {
    perMinute: o.queryBudgetPerMinute,
    perHour: o.queryBudgetPerHour,
    concurrent: o.maxConcurrentQueries,
  };
}

/** The observation with `limits` as its budget (a shard's share, or a shared budget's limits). */
export function withQueryLimits(o: Observation, limits: QueryLimits): Observation {
  return {
    ...o,
    queryBudgetPerMinute: limits.perMinute,
    queryBudgetPerHour: limits.perHour,
    maxConcurrentQueries: limits.concurrent,
  };
}

/** The shard's observation: the scenario's (the key's) budget divided by the shard count. */
export function shardObservation(o: Observation, shard: ShardSpec): Observation {
  return withQueryLimits(o, shardQueryLimits(observationLimits(o), shard.count));
}

/** For plan lines and reports: what share of which budget a shard spends. */
export function describeShardBudget(key: QueryLimits, shard: ShardSpec): string {
  const share = shardQueryLimits(key, shard.count);
  const over = (['perMinute', 'perHour', 'concurrent'] as const).filter(
    (k) => share[k] * shard.count > key[k],
  );
  return (
    `shard ${shard.index}/${shard.count} spends 1/${shard.count} of the key's query budget ` +
    `(${formatCount(key.perMinute)}/min, ${formatCount(key.perHour)}/hour, ${formatCount(key.concurrent)} at once, shared by every shard)` +
    (over.length > 0
      ? `; at least 1 each, the ${shard.count} shards together may use ${over.map((k) => `${formatCount(share[k] * shard.count)} ${UNIT[k]}`).join(', ')}, over the key's`
      : '')
  );
}

const UNIT = { perMinute: 'a minute', perHour: 'an hour', concurrent: 'at once' } as const;
