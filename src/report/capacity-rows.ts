// The capacity report's figures as rows and lines, shared by the terminal summary, summary.md
// and report.html so the three never disagree.

import type { CapacityStep, ClassCapacity, SearchQueries } from '../verdict/capacity-types.js';
import { lagGrowthLimitMs, lagGrowthSensitivity, stepDurationToSeeShareMs } from '../verdict/judge-step.js';
import type { EventClass } from '../scenario/scenario.js';
import type { CapacityReport } from './capacity-report.js';
import { formatCount, formatLatency } from '../core/format.js';

export const CAPACITY_HEADER = [
  'class',
  'sustainable',
  'failed at',
  'limited by',
  'p99 @50%',
  'p99 @80%',
  'p99 @100%',
  'CPU/event',
] as const;

export const STEP_HEADER = [
  'class',
  'step',
  'offered',
  'sent',
  'p50',
  'p99',
  'lag growth (limit)',
  'result',
] as const;

const eps = (rate: number | null): string => (rate === null ? '—' : `${formatCount(Math.round(rate))}/s`);
const micros = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} µs`);

/** "at least 12,000/s" when the generator was the limit: the real figure is higher. */
export function sustainableText(c: ClassCapacity): string {
  if (c.sustainable === null) return 'none';
  return c.limitedBy === 'generator' ? `≥ ${eps(c.sustainable)}` : eps(c.sustainable);
}

export function capacityRows(report: CapacityReport): string[][] {
  return classesOf(report).map(([cls, c]) => {
    const at = (share: number): string =>
      formatLatency(c.latency.find((l) => l.share === share)?.visibleP99Ms ?? null);
    return [
      cls,
      sustainableText(c),
      eps(c.failedAt),
      c.limitedBy === 'generator' ? 'generator (at least)' : c.resolved ? 'target' : 'target (unresolved)',
      at(0.5),
      at(0.8),
      at(1),
      micros(c.cpuMicrosPerEvent),
    ];
  });
}

export function stepRows(report: CapacityReport): string[][] {
  return classesOf(report).flatMap(([cls, c]) =>
    c.steps.map((s: CapacityStep, i) => [
      cls,
      `${i + 1}${s.role === 'profile' ? ' (profile)' : ''}`,
      eps(s.rate),
      eps(s.achievedRate),
      formatLatency(s.visibleP50Ms),
      formatLatency(s.visibleP99Ms),
      `${formatLatency(s.lagGrowthMs)} (${formatLatency(lagGrowthLimitMs(s, report.capacity.criteria))})`,
      s.pass ? 'pass' : `fail (${s.failedBy}): ${s.reasons.join('; ')}`,
    ]),
  );
}

export function ratioLine(report: CapacityReport): string {
  const { ratio, ratioBound, cpuRatio } = report.capacity;
  const cpu =
    cpuRatio === null ? '' : `; ingestion CPU per event identified ÷ anonymous ${cpuRatio.toFixed(2)}×`;
  if (ratio === null) return `ratio anonymous ÷ identified: not measured (both classes needed)${cpu}`;
  const how =
    ratioBound === 'atLeast'
      ? 'at least (anonymous was limited by the generator)'
      : ratioBound === 'atMost'
        ? 'at most (identified was limited by the generator)'
        : ratioBound === 'unknown'
          ? 'not a bound (both classes were limited by the generator)'
          : '';
  return `ratio anonymous ÷ identified: ${how === '' ? '' : `${how} `}${ratio.toFixed(2)}×${cpu}`;
}

export function criteriaLine(report: CapacityReport): string {
  const c = report.capacity.criteria;
  return (
    `a step is sustained when visible p99 ≤ ${formatLatency(c.visibleP99Ms)}, lag grows by at most ${c.maxLagGrowthShare * 100}% of the step (or two poll intervals where coarser), ` +
    `capture errors ≤ ${c.maxErrorShare * 100}%, nothing dropped, send delay p99 ≤ ${formatLatency(c.maxSendDelayP99Ms)} ` +
    `and ≥ ${c.minAchievedShare * 100}% of the offered rate sent; steps of ${formatLatency(report.run.stepDurationMs)}`
  );
}

/**
 * Said only when the steps were too short for their poll resolution: the largest overload a
 * passing step could have hidden (its lag-growth limit ÷ its duration), with the cure. null when
 * every passing step sees an overload of the criteria's share.
 */
export function sensitivityLine(report: CapacityReport): string | null {
  const criteria = report.capacity.criteria;
  let worst: CapacityStep | null = null;
  for (const [, c] of classesOf(report))
    for (const s of c.steps) if (s.pass && (worst === null || s.resolutionMs > worst.resolutionMs)) worst = s;
  if (worst === null) return null;
  const share = lagGrowthSensitivity(worst, criteria);
  if (share <= criteria.maxLagGrowthShare + 1e-9) return null;
  const needMs = stepDurationToSeeShareMs(worst.resolutionMs, criteria);
  return (
    `steps of ${formatLatency(worst.durationMs)} at a poll resolution of ${formatLatency(worst.resolutionMs)} see an overload only above ${Math.round(share * 100)}%: ` +
    `a passing step may be up to ${Math.round(share * 100)}% over what the target sustains (--step-duration ${Math.ceil(needMs / 1000)}s or more sees ${criteria.maxLagGrowthShare * 100}%)`
  );
}

/** The whole search's queries against the key's limits (every step spent one budget). */
export function queriesLine(q: SearchQueries): string {
  return (
    `queries: ${formatCount(q.sent)} sent by the whole search (${formatCount(q.throttled)} throttled); ` +
    `busiest minute ${formatCount(q.peakPerMinute)} of ${q.perMinute === null ? 'unlimited' : formatCount(q.perMinute)}, busiest hour ${formatCount(q.peakPerHour)} of ` +
    `${q.perHour === null ? 'unlimited' : formatCount(q.perHour)} (the personal API key's limits, one budget for every step)`
  );
}

export function classesOf(report: CapacityReport): [EventClass, ClassCapacity][] {
  return (['anonymous', 'identified'] as const).flatMap((cls) => {
    const c = report.capacity.classes[cls];
    return c === undefined ? [] : [[cls, c] as [EventClass, ClassCapacity]];
  });
}
