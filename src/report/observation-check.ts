// The built-in "observation complete" check: events observation could not check (it ended early:
// query budget exhausted, query API lost) leave the SLA unshown, whatever `lost == 0` says, so a
// failed check names why. Not added to a partial report, whose run-completed check says so already.
// One definition for a run (run-scenario.ts) and a merge of shards (merge-reports.ts).

import type { SlaResult } from '../verdict/evaluate-sla.js';
import type { Report } from './report-types.js';

export const OBSERVATION_COMPLETE = 'observation complete';

/** `why`: what ended observation, in words (a run's end reason; a merge names each shard's). */
export function observationCheck(report: Report, why: string): SlaResult[] {
  const { unverified } = report.totals;
  if (unverified === 0 || report.run.partial) return [];
  return [
    {
      check: OBSERVATION_COMPLETE,
      metric: 'unverified',
      op: '==',
      threshold: 0,
      value: unverified,
      pass: false,
      unit: 'count',
      detail: `observation ended early (${why}): ${unverified} acknowledged events could not be checked`,
    },
  ];
}
