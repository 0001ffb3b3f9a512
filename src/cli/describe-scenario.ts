// A few lines that say what a resolved scenario will do: shown by `validate` and before `run`.

import type { Scenario } from '../scenario/scenario.js';
import { totalEvents } from '../load/schedule.js';
import { formatDuration, formatShare } from '../core/format.js';
import { observationPlan } from '../observe/plan-polling.js';
import { predictedTopShare } from '../generate/user-activity.js';
import { topCountsNeeded } from '../load/workload-skew.js';
import { describeShardBudget, observationLimits, shardObservation } from '../observe/shard-budget.js';
import type { ShardSpec } from '../load/shard-spec.js';

export interface DescribeOptions {
  /** The lines that say what is sent (default: the scenario's phases, users and mix; a replay says what its file holds instead). */
  readonly workload?: readonly string[] | undefined;
  /** One shard of the run: its query budget is 1/n of the key's. */
  readonly shard?: ShardSpec | undefined;
}

export function describeScenario(s: Scenario, options: DescribeOptions = {}): string {
  const { shard } = options;
  const observation = shard ? shardObservation(s.observation, shard) : s.observation;
  const totalMs = s.phases.reduce((sum, p) => sum + p.durationMs, 0);
  return [
    ...(options.workload ?? workloadLines(s)),
    `  sending   ${s.endpoint} batches of ${s.batchSize}, compression ${s.compression}, person_profiles ${s.personProfiles}`,
    `  observe   ${observationPlan(observation, totalMs)}`,
    ...(shard ? [`  budget    ${describeShardBudget(observationLimits(s.observation), shard)}`] : []),
    `  length    ${formatDuration(totalMs)} of phases + drain ≤ ${formatDuration(s.observation.drainTimeoutMs)} = at most ${formatDuration(totalMs + s.observation.drainTimeoutMs)} (after a preflight of ≤ ${formatDuration(s.preflight.probeTimeoutMs)})`,
    `  sla       ${s.sla.length ? s.sla.map((c) => c.source).join('; ') : '(none)'}`,
    `  load      ${s.loadApplied ? `must be applied: dropped ≤ ${formatShare(s.loadApplied.maxDropped)}, achieved ≥ ${formatShare(s.loadApplied.minAchieved)} of the target rate` : 'not checked (load_applied: false)'}`,
    '',
  ].join('\n');
}

function workloadLines(s: Scenario): string[] {
  const totalMs = s.phases.reduce((sum, p) => sum + p.durationMs, 0);
  const planned = totalEvents(s.phases);
  const phases = s.phases
    .map(
      (p) =>
        `${p.name} ${formatDuration(p.durationMs)} @ ${p.fromRate === p.toRate ? p.toRate : `${p.fromRate}→${p.toRate}`}/s`,
    )
    .join(', ');
  const mix = s.behaviours.map((b) => `${b.name} ${(b.weight * 100).toFixed(0)}%`).join(', ');
  return [
    `  scenario  ${s.name}: ${planned.toLocaleString('en-US')} events over ${formatDuration(totalMs)} (${phases})`,
    s.population.anonymousShare === undefined
      ? `  users     ${s.population.size.toLocaleString('en-US')} (${(s.population.returningShare * 100).toFixed(0)}% returning, identified)`
      : `  users     ${s.population.size.toLocaleString('en-US')}, a stable mix: ${(s.population.anonymousShare * 100).toFixed(0)}% of events anonymous at any rate`,
    ...skewAndSessionLines(s),
    `  mix       ${mix}`,
  ];
}

/**
 * The activity law's prediction for the top 1 % of users, for the population as one pool (each
 * worker's share of the rate is fixed, which moves it a little: the report gives the prediction
 * for the run's split and the share measured beside it), and the sessions' shape.
 */
function skewAndSessionLines(s: Scenario): string[] {
  const lines: string[] = [];
  const activity = s.population.activity;
  if (activity?.kind === 'zipf') {
    const top = topCountsNeeded(s.population.size);
    const share = predictedTopShare(activity, [{ share: 1, size: s.population.size, shift: 1 }], top);
    lines.push(
      `  activity  zipf ${activity.exponent}: the top 1% of users (${top.toLocaleString('en-US')}) predicted to send ${formatShare(share)} of events`,
    );
  }
  const session = s.session;
  if (session) {
    lines.push(
      `  sessions  visits of ${session.meanEvents} events on average${session.pageleave ? ' (the last a $pageleave)' : ''}, ` +
        `think time ${formatDuration(session.meanThinkMs)} on average, session ids rotate after ${formatDuration(session.idleTimeoutMs)} idle or 24h`,
    );
  }
  return lines;
}
