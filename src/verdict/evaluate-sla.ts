// The verdict: every SLA check against the run's measured values. Pure: the report builder passes
// a lookup over its metrics, so this runs the same on a live run, a merged report or a baseline.

import type { SlaCheck } from '../scenario/scenario.js';
import { formatSlaValue } from './format-sla-value.js';
import { slaMetric, type SlaUnit } from '../scenario/sla-metrics.js';

export interface SlaResult {
  /** The expression as written in the scenario. */
  readonly check: string;
  readonly metric: string;
  readonly op: SlaCheck['op'];
  readonly threshold: number;
  /** The measured value in the metric's unit; null when the run produced none. */
  readonly value: number | null;
  readonly pass: boolean;
  readonly unit: string;
  /** One line for humans: "visible.p99 = 4.2s < 30s: pass", or why there was no value. */
  readonly detail: string;
}

export type Verdict = 'pass' | 'fail';

/**
 * Evaluate every check. A metric without a value (null, NaN) fails its check rather than passing
 * by default: an SLA that could not be measured has not been met.
 */
export function evaluateSla(
  checks: readonly SlaCheck[],
  lookup: (metric: string) => number | null,
): { results: SlaResult[]; verdict: Verdict } {
  const results = checks.map((given) => {
    // A check from an older report may name a share by its former name (lost_rate, …).
    const check = { ...given, metric: slaMetric(given.metric)?.path ?? given.metric };
    return evaluateCheck(check, lookup(check.metric));
  });
  return { results, verdict: results.every((r) => r.pass) ? 'pass' : 'fail' };
}

function evaluateCheck(check: SlaCheck, measured: number | null): SlaResult {
  const unit: SlaUnit = slaMetric(check.metric)?.unit ?? 'count';
  const value = measured === null || Number.isNaN(measured) ? null : measured;
  const pass = value !== null && compare(value, check.op, check.threshold);
  const threshold = formatSlaValue(check.threshold, unit);
  const detail =
    value === null
      ? `${check.metric} has no value (nothing was measured for it), so "${check.source}" fails`
      : `${check.metric} = ${formatSlaValue(value, unit)}, required ${check.op} ${threshold}: ${pass ? 'pass' : 'fail'}`;
  return {
    check: check.source,
    metric: check.metric,
    op: check.op,
    threshold: check.threshold,
    value,
    pass,
    unit,
    detail,
  };
}

function compare(value: number, op: SlaCheck['op'], threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
