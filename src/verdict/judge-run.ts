// The SLA verdict of a finished run, one definition for a live run (run-scenario.ts) and for a
// merge of shards (report/merge-reports.ts): the checks judged on the measured values, then the
// built-in checks that say the run did not show what it came for.
// - "observation complete": events observation could not check (it ended early: query budget
//   exhausted, query API lost) leave the SLA unshown, whatever `lost == 0` says, so a failed check
//   names why. Left out of a partial run, whose own checks say so already.
// - a partial run (stopped before its schedule ended, shards missing) fails with checks that name why.
// Pure: the caller passes a lookup over its measured values (report/report-metrics.ts).

import type { SlaCheck } from '../scenario/scenario.js';
import { evaluateSla, type SlaResult, type Verdict } from './evaluate-sla.js';

/** The check name of the observation check, and the metric of the check a stopped run adds. */
export const OBSERVATION_COMPLETE = 'observation complete';
export const RUN_COMPLETED = 'run.completed';

export interface RunToJudge {
  /** The scenario's checks with the built-in ones (load applied), or those a merge rebuilt. */
  readonly checks: readonly SlaCheck[];
  /** The measured value of a metric; null when the run produced none (its check then fails). */
  readonly lookup: (metric: string) => number | null;
  /** Acknowledged events observation could not check. */
  readonly unverified: number;
  /** What ended observation, in words (a run's end reason; a merge names each shard's). */
  readonly observationEnd: string;
  /**
   * Failing checks naming why the run is partial (runCompletedCheck, a merge's missing shards);
   * empty when it completed. A run with any is partial and fails.
   */
  readonly incomplete: readonly SlaResult[];
}

export interface RunJudgement {
  readonly sla: SlaResult[];
  readonly verdict: Verdict;
}

export function judgeRun(run: RunToJudge): RunJudgement {
  const partial = run.incomplete.length > 0;
  const { results } = evaluateSla(run.checks, run.lookup);
  const sla = [
    ...results,
    ...(partial ? [] : observationCheck(run.unverified, run.observationEnd)),
    ...run.incomplete,
  ];
  return { sla, verdict: sla.every((r) => r.pass) ? 'pass' : 'fail' };
}

/** A run cut short has not shown that the SLA holds: it fails, and says why (`reason`: its stop). */
export function runCompletedCheck(reason: string): SlaResult {
  return {
    check: 'run completed',
    metric: RUN_COMPLETED,
    op: '==',
    threshold: 1,
    value: 0,
    pass: false,
    unit: 'count',
    detail: `the run stopped before its schedule ended (${reason}): the report is partial and its SLA is not judged met`,
  };
}

function observationCheck(unverified: number, why: string): SlaResult[] {
  if (unverified === 0) return [];
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
