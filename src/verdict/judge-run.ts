// The SLA verdict of a finished run, one definition for a live run (run-scenario.ts) and for a
// merge of shards (report/merge-reports.ts): the checks judged on the measured values, then the
// built-in checks that say the run did not show what it came for.
// - "observation complete": events observation could not check (it ended early: query budget
//   exhausted, query API lost) leave the SLA unshown, whatever `lost == 0` says, so a failed check
//   names why. Left out of a partial run, whose own checks say so already.
// - a partial run (stopped before its schedule ended, shards missing) fails with checks that name why.
// Pure: the caller passes a lookup over its measured values (report/report-metrics.ts).

import { isDeepStrictEqual } from 'node:util';
import type { SlaCheck } from '../scenario/scenario.js';
import { evaluateSla, type SlaResult, type Verdict } from './evaluate-sla.js';

/** The check name of the observation check, and the metric of the check a stopped run adds. */
export const OBSERVATION_COMPLETE = 'observation complete';
export const RUN_COMPLETED = 'run.completed';

// The outcomes judgeRun adds of itself, as checks: how a run ended, not what it was asked to meet.
const OBSERVATION_CHECK: SlaCheck = {
  source: OBSERVATION_COMPLETE,
  metric: 'unverified',
  op: '==',
  threshold: 0,
};
const RUN_COMPLETED_CHECK: SlaCheck = {
  source: 'run completed',
  metric: RUN_COMPLETED,
  op: '==',
  threshold: 1,
};
const OUTCOMES: readonly SlaCheck[] = [OBSERVATION_CHECK, RUN_COMPLETED_CHECK];

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

/**
 * The checks a judgement judged, read back from its results (a report's `sla`): each result keeps
 * its check's expression, metric, operator and threshold. The outcomes judgeRun added of itself
 * (observation complete, run completed) are left out: judging again adds its own.
 */
export function judgedChecks(results: readonly SlaResult[]): SlaCheck[] {
  return results
    .map((r): SlaCheck => ({ source: r.check, metric: r.metric, op: r.op, threshold: r.threshold }))
    .filter((check) => !OUTCOMES.some((outcome) => isDeepStrictEqual(outcome, check)));
}

/** A failed outcome check: `value` what was measured against it, `detail` why. */
function failedOutcome(check: SlaCheck, value: number, detail: string): SlaResult {
  const { source, metric, op, threshold } = check;
  return { check: source, metric, op, threshold, value, pass: false, unit: 'count', detail };
}

/** A run cut short has not shown that the SLA holds: it fails, and says why (`reason`: its stop). */
export function runCompletedCheck(reason: string): SlaResult {
  return failedOutcome(
    RUN_COMPLETED_CHECK,
    0,
    `the run stopped before its schedule ended (${reason}): the report is partial and its SLA is not judged met`,
  );
}

function observationCheck(unverified: number, why: string): SlaResult[] {
  if (unverified === 0) return [];
  return [
    failedOutcome(
      OBSERVATION_CHECK,
      unverified,
      `observation ended early (${why}): ${unverified} acknowledged events could not be checked`,
    ),
  ];
}
