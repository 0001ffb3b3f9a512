// The built-in "load applied" check: a load test that did not send its load has shown nothing
// (asked for 150,000 events/s on a 2-core machine, a run dropped 74 % of its events and, with
// only latency checks in its scenario, still passed). Two SLA checks on the catalogue's own
// metrics, so they are judged, rendered and exported exactly like the scenario's.

import type { LoadApplied, SlaCheck } from '../scenario/scenario.js';

const percent = (fraction: number): string => `${+(fraction * 100).toFixed(4)}%`;

/** The checks a scenario's `load_applied` setting adds (none when it is turned off). */
export function loadAppliedChecks(setting: LoadApplied | null): SlaCheck[] {
  if (setting === null) return [];
  return [
    {
      source: `load applied: dropped_share <= ${percent(setting.maxDropped)}`,
      metric: 'dropped_share',
      op: '<=',
      threshold: setting.maxDropped,
    },
    {
      source: `load applied: rate.achieved_share >= ${percent(setting.minAchieved)}`,
      metric: 'rate.achieved_share',
      op: '>=',
      threshold: setting.minAchieved,
    },
  ];
}
