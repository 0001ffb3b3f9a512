// How often the poller may ask, planned over the whole observation (load + drain) so the query
// budget lasts to the end: PostHog allows 240 queries a minute AND 2,400 an hour, so a 1 s poll
// (about two queries) empties the hourly budget in 20 to 40 minutes. The interval stretches to
// fit, and the stretch is reported with its reason: the resolution of every visible figure grows,
// never silently. The hour is the key's, not the observation's: queries other observations of the
// key sent in the past hour (`carried`) take their room, and an observation that is one of many
// (a capacity search's steps) plans over the span the whole sequence must last (`budgetSpanMs`).
// Pure arithmetic; the query client enforces the limits whatever this plans.

import { formatDuration } from '../core/format.js';
import { HOUR_MS, MINUTE_MS, type QueryLimits } from './query-budget.js';
import { describeLimits } from '../scenario/deployment-limits.js';
import type { ResolvedLimits } from '../scenario/scenario.js';

/** Share of each window the plan uses: the rest absorbs extra pages of a busy window. */
const PLAN_SHARE = 0.9;

export interface PollingPlanInput {
  readonly requestedIntervalMs: number;
  /** Load duration + drain timeout: how long the poller will ask. */
  readonly observationMs: number;
  readonly limits: QueryLimits;
  /** Queries one poll usually sends (the recent window + straggler queries). */
  readonly queriesPerPoll: number;
  /** Queries kept aside for the end (the final poll and the count query). */
  readonly reserve: number;
  /** Queries of the key still in the hourly window at the start, as ms offsets from it (≤ 0). */
  readonly carried?: readonly number[];
  /** The span the hourly budget must last, when longer than this observation (later observations follow). */
  readonly budgetSpanMs?: number;
}

export interface PollingPlan {
  readonly intervalMs: number;
  /** Why the interval is longer than asked for, or null when it is not. */
  readonly stretch: string | null;
}

export function planPolling(input: PollingPlanInput): PollingPlan {
  const { requestedIntervalMs: asked, limits, queriesPerPoll: q } = input;
  const usable = (limit: number): number => Math.max(1, Math.floor(limit * PLAN_SHARE) - input.reserve);
  const perMinuteMs = (q * MINUTE_MS) / usable(limits.perMinute);
  const carried = input.carried ?? [];
  const span = Math.min(Math.max(input.observationMs, input.budgetSpanMs ?? 0, 0), HOUR_MS);
  const room = Math.max(1, hourlyRoom(usable(limits.perHour), span, carried));
  const perHourMs = limits.perHour === Infinity ? 0 : (q * span) / room;
  const needed = Math.max(perMinuteMs, perHourMs);
  if (needed <= asked) return { intervalMs: asked, stretch: null };
  const intervalMs = Math.ceil(needed / 100) * 100;
  const which =
    perHourMs >= perMinuteMs
      ? `${limits.perHour} queries/hour over ${formatDuration(Math.round(input.observationMs / 1000) * 1000)} of load and drain` +
        (span > input.observationMs && input.observationMs < HOUR_MS
          ? ` and the ${formatDuration(Math.round(span / 1000) * 1000)} the key's budget must last`
          : '') +
        (carried.length > 0 ? `, ${carried.length} of them used in the past hour already` : '')
      : `${limits.perMinute} queries/minute`;
  return {
    intervalMs,
    stretch: `poll interval stretched from ${formatDuration(asked)} to ${formatDuration(intervalMs)} to fit ${which} (about ${q} queries a poll)`,
  };
}

/**
 * Queries that fit evenly over `spanMs` (at most an hour) beside the `carried` ones (offsets ≤ 0
 * from the start, oldest first) so that no sliding hour holds more than `limit`. Sent evenly, the
 * plan's own queries by time t are room·t/span, and the hour ending at t still holds the carried
 * queries sent after t − 1 h; between two departures of carried queries the bound only loosens,
 * so the tightest moments are just before each departure and the span's end.
 */
export function hourlyRoom(limit: number, spanMs: number, carried: readonly number[]): number {
  if (spanMs <= 0) return limit - carried.length;
  let room = limit - carried.filter((c) => c + HOUR_MS > spanMs).length;
  for (const [k, c] of carried.entries()) {
    const leaves = c + HOUR_MS;
    if (leaves <= 0 || leaves > spanMs) continue;
    room = Math.min(room, ((limit - (carried.length - k)) * spanMs) / leaves);
  }
  return Math.max(0, room);
}

/** Queries a poll usually sends: the recent window and one straggler query (poller defaults). */
export const QUERIES_PER_POLL = 2;
/** Queries kept aside for the end: the final poll and the count query. */
export const END_RESERVE = 4;

/** The observation a scenario will get, in one line (for `validate`): interval, stretch, budget, drain. */
export function observationPlan(
  o: {
    readonly pollIntervalMs: number;
    readonly queryBudgetPerMinute: number;
    readonly queryBudgetPerHour: number;
    readonly maxConcurrentQueries: number;
    readonly drainTimeoutMs: number;
    readonly resolvedLimits?: ResolvedLimits;
  },
  loadMs: number,
): string {
  const plan = planPolling({
    requestedIntervalMs: o.pollIntervalMs,
    observationMs: loadMs + o.drainTimeoutMs,
    limits: {
      perMinute: o.queryBudgetPerMinute,
      perHour: o.queryBudgetPerHour,
      concurrent: o.maxConcurrentQueries,
    },
    queriesPerPoll: QUERIES_PER_POLL,
    reserve: END_RESERVE,
  });
  return (
    `poll every ${formatDuration(plan.intervalMs)}${plan.stretch ? ` (${plan.stretch})` : ''}, ` +
    `${budgetWindow(o.queryBudgetPerMinute, 'queries/min', 'no minute window')}, ` +
    `${budgetWindow(o.queryBudgetPerHour, '/hour', 'no hourly window')}, ≤ ${o.maxConcurrentQueries} at once, ` +
    `drain ≤ ${formatDuration(o.drainTimeoutMs)}` +
    (o.resolvedLimits ? `; ${describeLimits(o.resolvedLimits)}` : '')
  );
}

/** A window of the budget; a self-hosted deployment has none. */
function budgetWindow(limit: number, unit: string, none: string): string {
  return Number.isFinite(limit) ? `≤ ${limit} ${unit}`.replace(' /', '/') : none;
}
