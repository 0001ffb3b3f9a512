// The report of `ingestbench capacity` (report.json with a `capacity` section): the run's identity
// like a run report's, the capacity figures per class with every step, and the verdict of the
// scenario's capacity.* SLA checks. Its metric lookup serves those checks.

import type { CapacityFigures } from '../verdict/capacity-types.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';
import { evaluateSla, type SlaResult, type Verdict } from '../verdict/evaluate-sla.js';
import { ingestbenchVersion } from './ingestbench-version.js';
import { REPORT_SCHEMA_VERSION, type RunInfo } from './report-types.js';

export interface CapacityReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly kind: 'capacity';
  readonly run: Pick<
    RunInfo,
    | 'id'
    | 'scenario'
    | 'target'
    | 'startedAt'
    | 'endedAt'
    | 'seed'
    | 'partial'
    | 'ingestbenchVersion'
    | 'node'
  > & {
    readonly stepDurationMs: number;
    readonly classes: readonly EventClass[];
    /** Cores the embedded target was pinned to (taskset), or null. */
    readonly targetCpus: string | null;
  };
  readonly capacity: CapacityFigures;
  /** The scenario's capacity.* checks (its other checks bound each step, see capacity.criteria). */
  readonly sla: readonly SlaResult[];
  readonly verdict: Verdict;
}

export interface CapacityReportInputs {
  readonly runId: string;
  readonly scenario: Scenario;
  readonly target: RunInfo['target'];
  readonly startedAt: number;
  readonly endedAt: number;
  readonly seed: number;
  readonly partial: boolean;
  readonly stepDurationMs: number;
  readonly classes: readonly EventClass[];
  readonly targetCpus: string | null;
  readonly capacity: CapacityFigures;
}

export function buildCapacityReport(inputs: CapacityReportInputs): CapacityReport {
  const checks = inputs.scenario.sla.filter((c) => c.metric.startsWith('capacity.'));
  const { results, verdict } = evaluateSla(checks, capacityMetricLookup(inputs.capacity));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'capacity',
    run: {
      id: inputs.runId,
      scenario: { name: inputs.scenario.name, file: inputs.scenario.source },
      // Picked by name: the target object carries secrets.
      target: {
        kind: inputs.target.kind,
        captureUrl: inputs.target.captureUrl,
        queryUrl: inputs.target.queryUrl,
        projectId: inputs.target.projectId,
      },
      startedAt: new Date(inputs.startedAt).toISOString(),
      endedAt: new Date(inputs.endedAt).toISOString(),
      seed: inputs.seed,
      partial: inputs.partial,
      ingestbenchVersion: ingestbenchVersion(),
      node: process.version,
      stepDurationMs: inputs.stepDurationMs,
      classes: inputs.classes,
      targetCpus: inputs.targetCpus,
    },
    capacity: inputs.capacity,
    sla: results,
    // A capacity run cut short has not measured what it set out to.
    verdict: inputs.partial ? 'fail' : verdict,
  };
}

/** capacity.anonymous, capacity.identified (events/s) and capacity.ratio; null when not measured. */
export function capacityMetricLookup(capacity: CapacityFigures): (path: string) => number | null {
  return (path) => {
    switch (path) {
      case 'capacity.anonymous':
        return capacity.classes.anonymous?.sustainable ?? null;
      case 'capacity.identified':
        return capacity.classes.identified?.sustainable ?? null;
      case 'capacity.ratio':
        return capacity.ratio;
      default:
        return null;
    }
  };
}
