// `observation.method: auto`: exact observation reads a row per event, and a poll re-reads every
// row of its window (from the oldest unseen event to now), so it needs about
// peak rate × (poll interval + lag allowance) rows per poll. The interval is the one the exact
// poller will use (plan-polling.ts stretches it so the per-minute and per-hour budgets last the
// load and the drain), and the budget gives each poll the fewer of (queries per minute ÷ polls per
// minute) and (queries per hour ÷ polls in the observation's first hour) queries of at most
// 50,000 rows. When the rows needed
// exceed half of that (a margin for stragglers, retries and slow polls), or the per-event ledger
// would not fit its memory cap, or the load outlasts the span the ledger's times can hold (about
// 36 h), counts observation runs instead. Pure: the report prints the reason.

import { IngestbenchError } from '../errors.js';
import { formatDuration } from '../core/format.js';
import { BYTES_PER_EVENT, LEDGER_SPAN_MS } from '../load/ledger.js';
import type { ObservationMethod, RatePhase } from '../scenario/scenario.js';
import { END_RESERVE, planPolling, QUERIES_PER_POLL } from './plan-polling.js';
import { MAX_QUERY_LIMIT } from './poll-queries.js';
import { HOUR_MS } from './query-budget.js';

/** Lag a poll window is assumed to span beyond the poll interval. */
export const LAG_ALLOWANCE_MS = 10_000;
/** Largest per-event ledger `auto` allocates. */
export const MAX_LEDGER_BYTES = 2 * 1024 ** 3;

export interface MethodChoice {
  readonly method: 'exact' | 'counts';
  readonly reason: string;
}

export interface ChooseMethodInput {
  readonly requested: ObservationMethod;
  readonly phases: readonly RatePhase[];
  readonly planned: number;
  readonly pollIntervalMs: number;
  readonly queryBudgetPerMinute: number;
  /** Queries per hour (default: no hourly window). */
  readonly queryBudgetPerHour?: number;
  /** Load duration + drain timeout (default one hour): what the hourly budget must last. */
  readonly observationMs?: number;
  /** Bytes per planned event of the exact ledger (today's layout by default). */
  readonly ledgerBytesPerEvent?: number;
}

export function chooseObservationMethod(input: ChooseMethodInput): MethodChoice {
  const loadMs = input.phases.reduce((sum, p) => sum + p.durationMs, 0);
  const tooLongForLedger = loadMs > LEDGER_SPAN_MS;
  if (input.requested === 'exact' && tooLongForLedger)
    throw new IngestbenchError(
      'SCENARIO_INVALID',
      `observation.method: exact keeps a per-event ledger whose times span ${formatDuration(LEDGER_SPAN_MS)}, ` +
        `but the phases last ${formatDuration(loadMs)}: use method counts (or auto) for a run this long`,
    );
  if (input.requested !== 'auto')
    return { method: input.requested, reason: `observation.method is ${input.requested}` };
  if (tooLongForLedger)
    return {
      method: 'counts',
      reason: `auto: the phases last ${formatDuration(loadMs)}, longer than the ${formatDuration(LEDGER_SPAN_MS)} a per-event ledger spans`,
    };
  const peakRate = Math.max(
    0,
    ...input.phases.map((p) => (p.kind === 'ramp' ? Math.max(p.fromRate, p.toRate) : p.toRate)),
  );
  const perHour = input.queryBudgetPerHour ?? Infinity;
  const observationMs = input.observationMs ?? HOUR_MS;
  // The interval exact polls would run at once the budget has stretched it.
  const intervalMs = planPolling({
    requestedIntervalMs: input.pollIntervalMs,
    observationMs,
    limits: { perMinute: input.queryBudgetPerMinute, perHour, concurrent: 1 },
    queriesPerPoll: QUERIES_PER_POLL,
    reserve: END_RESERVE,
  }).intervalMs;
  const rowsPerPoll = Math.ceil((peakRate * (intervalMs + LAG_ALLOWANCE_MS)) / 1000);
  const perPollByMinute = (input.queryBudgetPerMinute * intervalMs) / 60_000;
  const perPollByHour =
    perHour === Infinity ? Infinity : (perHour * intervalMs) / Math.min(Math.max(observationMs, 1), HOUR_MS);
  const rowsAllowed = Math.floor(
    (Math.max(1, Math.min(perPollByMinute, perPollByHour)) * MAX_QUERY_LIMIT) / 2,
  );
  const ledgerBytes = input.planned * (input.ledgerBytesPerEvent ?? BYTES_PER_EVENT);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  if (ledgerBytes > MAX_LEDGER_BYTES)
    return {
      method: 'counts',
      reason: `auto: a per-event ledger of ${fmt(input.planned)} events would take ${fmt(ledgerBytes / 1024 ** 2)} MiB (cap ${fmt(MAX_LEDGER_BYTES / 1024 ** 2)} MiB)`,
    };
  if (rowsPerPoll > rowsAllowed)
    return {
      method: 'counts',
      reason: `auto: exact polls would fetch about ${fmt(rowsPerPoll)} rows each at ${fmt(peakRate)} events/s, over the ${fmt(rowsAllowed)} the query budget allows`,
    };
  return {
    method: 'exact',
    reason: `auto: exact polls fetch about ${fmt(rowsPerPoll)} rows each, within the ${fmt(rowsAllowed)} the query budget allows`,
  };
}
