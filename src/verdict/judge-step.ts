// Is a step sustained? Pure: the measurement and the criteria in, a verdict out. Two sides can
// fail a step, and the difference matters to the answer:
// - the load generator: events dropped at the in-flight cap, sends late, the rate not reached,
//   while capture answered promptly (ack p99 minus send delay p99: the target was waiting on us);
// - the target: capture errors, acknowledged events not visible in time, p99 over the bound, or a
//   lag that grows through the step (a backlog that would grow without bound in a longer step).
// A load side that lags while capture answers slowly is the target's failure: a slow capture
// fills the in-flight cap, and the generator's drops are its symptom.

import { formatDuration } from '../core/format.js';
import type { StepCriteria, StepMeasurement, StepVerdict } from './capacity-types.js';

export const DEFAULT_CRITERIA: Omit<StepCriteria, 'visibleP99Ms'> = {
  maxErrorShare: 0.001,
  maxSendDelayP99Ms: 250,
  minAchievedShare: 0.95,
  maxAckP99Ms: 1000,
  maxLagGrowthShare: 0.1,
};

/**
 * How much lag a step may add and still pass: the criteria's share of the step, or twice the
 * poll resolution where that is coarser (a trend smaller than two polls is not told from
 * quantisation). A step whose limit is its resolution cannot see an overload smaller than
 * limit ÷ duration: lagGrowthSensitivity() says how small an overload it sees.
 */
export function lagGrowthLimitMs(
  m: Pick<StepMeasurement, 'resolutionMs' | 'durationMs'>,
  criteria: Pick<StepCriteria, 'maxLagGrowthShare'>,
): number {
  return Math.max(2 * m.resolutionMs, criteria.maxLagGrowthShare * m.durationMs);
}

/** How long a step must be for its lag-growth limit to be the criteria's share, at this resolution. */
export function stepDurationToSeeShareMs(
  resolutionMs: number,
  criteria: Pick<StepCriteria, 'maxLagGrowthShare'>,
): number {
  return lagGrowthLimitMs({ resolutionMs, durationMs: 0 }, criteria) / criteria.maxLagGrowthShare;
}

/** The smallest overload (offered ÷ processed − 1) the step's lag-growth check fails. */
export function lagGrowthSensitivity(
  m: Pick<StepMeasurement, 'resolutionMs' | 'durationMs'>,
  criteria: Pick<StepCriteria, 'maxLagGrowthShare'>,
): number {
  return lagGrowthLimitMs(m, criteria) / Math.max(1, m.durationMs);
}

export function judgeStep(m: StepMeasurement, criteria: StepCriteria): StepVerdict {
  const target: string[] = [];
  const load: string[] = [];
  const ms = (value: number): string => formatDuration(value);

  if (m.sent > 0 && m.errors / m.sent > criteria.maxErrorShare) {
    target.push(`capture refused or failed ${m.errors} of ${m.sent} events`);
  }
  if (m.unseen > 0 && m.unseen / Math.max(1, m.acknowledged) > 0.01) {
    target.push(
      `${m.unseen} of ${m.acknowledged} acknowledged events were not visible by the end of the drain`,
    );
  }
  if (m.visibleP99Ms === null) {
    if (m.acknowledged > 0) target.push('no acknowledged event became visible');
  } else if (m.visibleP99Ms > criteria.visibleP99Ms) {
    target.push(`visible p99 ${ms(m.visibleP99Ms)} > ${ms(criteria.visibleP99Ms)}`);
  }
  const growthLimit = lagGrowthLimitMs(m, criteria);
  if (m.lagGrowthMs !== null && m.lagGrowthMs > growthLimit) {
    target.push(`lag grew by ${ms(m.lagGrowthMs)} across the step (limit ${ms(growthLimit)})`);
  }

  if (m.dropped > 0) load.push(`${m.dropped} events dropped at the in-flight cap`);
  if (m.sendDelayP99Ms !== null && m.sendDelayP99Ms > criteria.maxSendDelayP99Ms) {
    load.push(`send delay p99 ${ms(m.sendDelayP99Ms)} > ${ms(criteria.maxSendDelayP99Ms)}`);
  }
  if (m.achievedRate < criteria.minAchievedShare * m.rate) {
    load.push(`sent ${Math.round(m.achievedRate)}/s of ${Math.round(m.rate)}/s offered`);
  }
  // ack is measured from the intended time, so it carries the send delay: what capture itself
  // took is (about) the difference.
  const captureMs = m.ackP99Ms === null ? null : m.ackP99Ms - (m.sendDelayP99Ms ?? 0);
  // Drops at the in-flight cap follow from capture's answer time (in flight = request rate ×
  // answer time): answers at half the time that fills the cap, at p99, put the tail past it.
  const capFilledByCapture =
    m.dropped > 0 && captureMs !== null && m.inFlightBoundMs !== null && captureMs > m.inFlightBoundMs / 2;
  if (load.length > 0 && captureMs !== null && (captureMs > criteria.maxAckP99Ms || capFilledByCapture)) {
    const why =
      captureMs > criteria.maxAckP99Ms
        ? `capture answered in up to ${ms(captureMs)}: the target held the load back`
        : `capture answered in up to ${ms(captureMs)}, and answers of ${ms(m.inFlightBoundMs!)} fill the in-flight cap at this rate: the target held the load back`;
    target.push(...load.map((r) => `${r} (${why})`));
    load.length = 0;
  }

  if (target.length > 0) return { pass: false, failedBy: 'target', reasons: [...target, ...load] };
  if (load.length > 0) return { pass: false, failedBy: 'generator', reasons: load };
  return { pass: true, failedBy: null, reasons: [] };
}
