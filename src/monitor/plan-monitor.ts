// How a monitor spends its query budget, forever: a share of the key's budget (the scenario's
// observation.queries_per_hour and queries_per_minute, PostHog's 2,400/h and 240/min by default:
// the key's, shared with whatever else uses it), one query per poll, so the poll interval is
// the hour divided by the queries it may make. The plan line says all of it. Pure.

import { IngestbenchError } from '../errors.js';
import { HOUR_MS, MINUTE_MS, type QueryLimits } from '../observe/query-budget.js';
import type { Scenario } from '../scenario/scenario.js';
import { planMonitorSla, type MonitorSla } from './monitor-sla.js';

export const MONITOR_DEFAULTS = {
  ratePerClass: 1,
  /** Leaves nine tenths of the key's budget to runs, dashboards and other tools. */
  queryShare: 0.1,
  windowMs: 5 * 60_000,
} as const;

export interface MonitorPlanOptions {
  readonly ratePerClass?: number;
  readonly queryShare?: number;
  readonly deadlineMs?: number;
  readonly windowMs?: number;
}

export interface MonitorPlan {
  readonly ratePerClass: number;
  readonly queryShare: number;
  /** The monitor's own budget: its share of the key's, rounded down, at least 1. */
  readonly limits: QueryLimits;
  readonly pollIntervalMs: number;
  readonly windowMs: number;
  readonly sla: MonitorSla;
}

export function planMonitor(scenario: Scenario, options: MonitorPlanOptions = {}): MonitorPlan {
  const ratePerClass = options.ratePerClass ?? MONITOR_DEFAULTS.ratePerClass;
  const queryShare = options.queryShare ?? MONITOR_DEFAULTS.queryShare;
  const windowMs = options.windowMs ?? MONITOR_DEFAULTS.windowMs;
  if (!(ratePerClass > 0)) throw new IngestbenchError('USAGE', `--rate must be above 0, got ${ratePerClass}`);
  if (!(queryShare > 0 && queryShare <= 1))
    throw new IngestbenchError('USAGE', `--query-share must be in (0, 1], got ${queryShare}`);
  if (!(windowMs > 0))
    throw new IngestbenchError('USAGE', `--sla-window must be positive, got ${windowMs} ms`);
  const o = scenario.observation;
  const limits: QueryLimits = {
    perMinute: Math.max(1, Math.floor(o.queryBudgetPerMinute * queryShare)),
    perHour: Math.max(1, Math.floor(o.queryBudgetPerHour * queryShare)),
    // One poll at a time: a monitor never needs two, and the team's slots are shared.
    concurrent: 1,
  };
  const pollIntervalMs = Math.max(
    o.pollIntervalMs,
    Math.ceil(HOUR_MS / limits.perHour),
    Math.ceil(MINUTE_MS / limits.perMinute),
  );
  return {
    ratePerClass,
    queryShare,
    limits,
    pollIntervalMs,
    windowMs,
    sla: planMonitorSla(scenario.sla, options.deadlineMs),
  };
}

/** The line a monitor starts with: what it sends, what it may query, what it judges. */
export function describeMonitorPlan(plan: MonitorPlan, scenario: Scenario): string {
  const o = scenario.observation;
  const s = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
  const lines = [
    `  sends     ${plan.ratePerClass} event/s per class from scenario "${scenario.name}"`,
    `  queries   ${plan.limits.perHour}/h and ${plan.limits.perMinute}/min at most: ${Math.round(plan.queryShare * 100)} % of the key's ${o.queryBudgetPerHour}/h and ${o.queryBudgetPerMinute}/min (--query-share); one poll every ${s(plan.pollIntervalMs)} (the latency resolution)`,
    `  deadline  ${s(plan.sla.deadlineMs)} (${plan.sla.deadlineSource}): an event unseen by then is lost`,
    `  sla       ${plan.sla.judged.map((c) => c.source).join(', ') || '(no check the monitor can judge)'} over a rolling ${s(plan.windowMs)}${plan.sla.skipped.length > 0 ? `; not judged by a monitor: ${plan.sla.skipped.join(', ')}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
