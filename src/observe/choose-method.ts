// `observation.method: auto`: exact observation reads a row per event, and a poll re-reads every
// row of its window (from the oldest unseen event to now), so it needs about
// peak rate × (poll interval + lag allowance) rows per poll; the query budget gives each poll
// (queries per minute ÷ polls per minute) queries of at most 50,000 rows. When the rows needed
// exceed half of that (a margin for stragglers, retries and slow polls), or the per-event ledger
// would not fit its memory cap, counts observation runs instead. Pure: the report prints the reason.

import { BYTES_PER_EVENT } from '../load/ledger.js';
import type { ObservationMethod, RatePhase } from '../scenario/scenario.js';
import { MAX_QUERY_LIMIT } from './poll-queries.js';

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
  /** Bytes per planned event of the exact ledger (today's layout by default). */
  readonly ledgerBytesPerEvent?: number;
}

export function chooseObservationMethod(input: ChooseMethodInput): MethodChoice {
  if (input.requested !== 'auto')
    return { method: input.requested, reason: `observation.method is ${input.requested}` };
  const peakRate = Math.max(
    0,
    ...input.phases.map((p) => (p.kind === 'ramp' ? Math.max(p.fromRate, p.toRate) : p.toRate)),
  );
  const rowsPerPoll = Math.ceil((peakRate * (input.pollIntervalMs + LAG_ALLOWANCE_MS)) / 1000);
  const pollsPerMinute = 60_000 / input.pollIntervalMs;
  const rowsAllowed = Math.floor(
    (Math.max(1, input.queryBudgetPerMinute / pollsPerMinute) * MAX_QUERY_LIMIT) / 2,
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
