// The scenario's SLA as a monitor can judge it: over a rolling window rather than a whole run.
// The deadline (when an unseen event is lost) is the loosest time-to-queryable the SLA allows, so
// no event the SLA would accept is called lost. In the window a lost event counts as an infinite
// latency: five lost events in a hundred make p99 fail, as they would have in a run. Checks a
// monitor cannot measure (duplicates, send rates, the share of capture errors) are named, not judged.
// Pure.

import type { SlaCheck } from '../scenario/scenario.js';
import { IngestbenchError } from '../errors.js';
import { evaluateSla, type SlaResult } from '../verdict/evaluate-sla.js';
import type { WindowOutcome } from './outcome-window.js';

/** Used when the scenario bounds no visible latency and no --deadline is given. */
export const DEFAULT_DEADLINE_MS = 5 * 60_000;

const STATS = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999, max: 1 } as const;

export interface MonitorSla {
  readonly deadlineMs: number;
  /** Where the deadline came from, for the plan line. */
  readonly deadlineSource: string;
  readonly judged: readonly SlaCheck[];
  /** Checks of the scenario a monitor does not judge (sources as written). */
  readonly skipped: readonly string[];
}

export function planMonitorSla(checks: readonly SlaCheck[], deadlineMs?: number): MonitorSla {
  const judged = checks.filter((c) => windowMetric(c.metric) !== null);
  const skipped = checks.filter((c) => windowMetric(c.metric) === null).map((c) => c.source);
  const bounds = judged.filter(
    (c) => windowMetric(c.metric)?.name === 'visible' && (c.op === '<' || c.op === '<='),
  );
  if (deadlineMs !== undefined) {
    if (!(deadlineMs > 0))
      throw new IngestbenchError('USAGE', `--deadline must be positive, got ${deadlineMs} ms`);
    return { deadlineMs, deadlineSource: '--deadline', judged, skipped };
  }
  if (bounds.length === 0)
    return {
      deadlineMs: DEFAULT_DEADLINE_MS,
      deadlineSource: 'default (the SLA bounds no visible latency)',
      judged,
      skipped,
    };
  const loosest = bounds.reduce((a, b) => (b.threshold > a.threshold ? b : a));
  return { deadlineMs: loosest.threshold, deadlineSource: `sla "${loosest.source}"`, judged, skipped };
}

/**
 * The SLA over the window: every judged check passes on the window's outcomes and no
 * acknowledged event has waited past the deadline unseen. A check with no value (nothing was
 * decided in the window) does not fail here: the age condition covers a window with no news.
 */
export function judgeWindow(
  sla: MonitorSla,
  outcomes: readonly WindowOutcome[],
  oldestUnseenAgeMs: number,
): { ok: boolean; results: readonly SlaResult[] } {
  const lookup = windowLookup(outcomes);
  const { results } = evaluateSla(sla.judged, lookup);
  const ok = oldestUnseenAgeMs <= sla.deadlineMs && results.every((r) => r.pass || r.value === null);
  return { ok, results };
}

function windowMetric(path: string): { scope: string | null; name: string; stat: string | null } | null {
  const parts = path.split('.');
  const scope = parts[0] === 'anonymous' || parts[0] === 'identified' ? parts.shift()! : null;
  const [name, stat, ...rest] = parts;
  if (rest.length > 0 || name === undefined) return null;
  if (name === 'visible' && stat !== undefined && stat in STATS) return { scope, name, stat };
  if ((name === 'lost' || name === 'lost_share') && stat === undefined) return { scope, name, stat: null };
  return null;
}

export function windowLookup(outcomes: readonly WindowOutcome[]): (path: string) => number | null {
  return (path) => {
    const metric = windowMetric(path);
    if (metric === null) return null;
    const mine = metric.scope === null ? outcomes : outcomes.filter((o) => o.eventClass === metric.scope);
    let total = 0;
    let lost = 0;
    for (const o of mine) {
      const n = o.count ?? 1;
      total += n;
      if (o.latencyMs === Infinity) lost += n;
    }
    if (total === 0) return null;
    if (metric.name === 'lost') return lost;
    if (metric.name === 'lost_share') return lost / total;
    const sorted = [...mine].sort((a, b) => a.latencyMs - b.latencyMs);
    const q = STATS[metric.stat as keyof typeof STATS];
    // Nearest rank: the smallest value with at least q of the events at or below it.
    const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
    let below = 0;
    for (const o of sorted) {
      below += o.count ?? 1;
      if (below >= rank) return o.latencyMs;
    }
    return sorted.at(-1)!.latencyMs;
  };
}
