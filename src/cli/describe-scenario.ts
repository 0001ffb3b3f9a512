// A few lines that say what a resolved scenario will do: shown by `validate` and before `run`.

import type { Scenario } from '../scenario/scenario.js';
import { totalEvents } from '../load/schedule.js';
import { formatDuration, formatShare } from '../report/format.js';
import { observationPlan } from '../observe/plan-polling.js';
import { describeShardBudget, observationLimits, shardObservation } from '../observe/shard-budget.js';
import type { ShardSpec } from '../load/shard-spec.js';

/** `shard`: the lines of one shard of the run (its query budget is 1/n of the key's). */
export function describeScenario(s: Scenario, shard?: ShardSpec): string {
  const observation = shard ? shardObservation(s.observation, shard) : s.observation;
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
    `  sending   ${s.endpoint} batches of ${s.batchSize}, compression ${s.compression}, person_profiles ${s.personProfiles}`,
    s.population.anonymousShare === undefined
      ? `  users     ${s.population.size.toLocaleString('en-US')} (${(s.population.returningShare * 100).toFixed(0)}% returning, identified)`
      : `  users     ${s.population.size.toLocaleString('en-US')}, a stable mix: ${(s.population.anonymousShare * 100).toFixed(0)}% of events anonymous at any rate`,
    `  mix       ${mix}`,
    `  observe   ${observationPlan(observation, totalMs)}`,
    ...(shard ? [`  budget    ${describeShardBudget(observationLimits(s.observation), shard)}`] : []),
    `  length    ${formatDuration(totalMs)} of phases + drain ≤ ${formatDuration(s.observation.drainTimeoutMs)} = at most ${formatDuration(totalMs + s.observation.drainTimeoutMs)} (after a preflight of ≤ ${formatDuration(s.preflight.probeTimeoutMs)})`,
    `  sla       ${s.sla.length ? s.sla.map((c) => c.source).join('; ') : '(none)'}`,
    `  load      ${s.loadApplied ? `must be applied: dropped ≤ ${formatShare(s.loadApplied.maxDropped)}, achieved ≥ ${formatShare(s.loadApplied.minAchieved)} of the target rate` : 'not checked (load_applied: false)'}`,
    '',
  ].join('\n');
}
