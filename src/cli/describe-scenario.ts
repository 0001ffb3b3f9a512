// A few lines that say what a resolved scenario will do: shown by `validate` and before `run`.

import type { Scenario } from '../scenario/scenario.js';
import { totalEvents } from '../load/schedule.js';
import { formatDuration } from '../report/format.js';

export function describeScenario(s: Scenario): string {
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
    `  observe   poll every ${formatDuration(s.observation.pollIntervalMs)}, ≤ ${s.observation.queryBudgetPerMinute} queries/min, drain ≤ ${formatDuration(s.observation.drainTimeoutMs)}`,
    `  sla       ${s.sla.length ? s.sla.map((c) => c.source).join('; ') : '(none)'}`,
    '',
  ].join('\n');
}
