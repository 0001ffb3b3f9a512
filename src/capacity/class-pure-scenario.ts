// A capacity step's scenario: the user's scenario cut down to one class at one steady rate. The
// load is drawn from the scenario's own behaviours (population.anonymous_share 1 or 0), so its
// properties and payload sizes are those of the mix; its SLA is replaced by the step criteria.

import { IngestbenchError } from '../errors.js';
import type { EventClass, Scenario } from '../scenario/scenario.js';

/** The step's visible-latency bound when the scenario's SLA names none. */
export const DEFAULT_VISIBLE_P99_MS = 30_000;

export function classPureScenario(
  scenario: Scenario,
  eventClass: EventClass,
  step: {
    readonly rate: number;
    readonly durationMs: number;
    readonly drainTimeoutMs: number;
    readonly seed: number;
  },
): Scenario {
  if (eventClass === 'anonymous' && scenario.personProfiles === 'always') {
    throw new IngestbenchError(
      'USAGE',
      `scenario ${scenario.name} sends no anonymous events (person_profiles: always); measure --classes identified`,
    );
  }
  if (
    eventClass === 'anonymous' &&
    !scenario.behaviours.some((b) => b.kind === 'pageview' || b.kind === 'autocapture' || b.kind === 'custom')
  ) {
    throw new IngestbenchError(
      'USAGE',
      `scenario ${scenario.name} has no pageview, autocapture or custom behaviour to draw anonymous events from; measure --classes identified`,
    );
  }
  const warmupMs = stepWarmupMs(step.durationMs);
  return {
    ...scenario,
    seed: step.seed,
    phases: [
      // Sent and checked, but out of the figures: worker start-up and cold connections are not
      // the target's capacity (nor the generator's).
      {
        name: 'step-warmup',
        kind: 'warmup',
        durationMs: warmupMs,
        fromRate: step.rate,
        toRate: step.rate,
        measured: false,
      },
      {
        name: 'step',
        kind: 'steady',
        durationMs: step.durationMs,
        fromRate: step.rate,
        toRate: step.rate,
        measured: true,
      },
    ],
    population: { ...scenario.population, anonymousShare: eventClass === 'anonymous' ? 1 : 0 },
    observation: { ...scenario.observation, drainTimeoutMs: step.drainTimeoutMs },
    sla: [],
  };
}

/**
 * The unmeasured lead-in of a step at its rate: a fifth of the step, from 2 s to 5 s (load workers
 * can take over a second to start on a loaded machine, and their first sends would be late).
 */
export function stepWarmupMs(stepDurationMs: number): number {
  return Math.min(5000, Math.max(2000, stepDurationMs / 5));
}

/**
 * The p99 bound of visible latency for one class: the tightest `visible.p99 <` or
 * `<class>.visible.p99 <` check of the scenario's SLA, else DEFAULT_VISIBLE_P99_MS.
 */
export function visibleP99Bound(scenario: Scenario, eventClass: EventClass): number {
  const bounds = scenario.sla
    .filter(
      (c) =>
        (c.metric === 'visible.p99' || c.metric === `${eventClass}.visible.p99`) &&
        (c.op === '<' || c.op === '<='),
    )
    .map((c) => c.threshold);
  return bounds.length > 0 ? Math.min(...bounds) : DEFAULT_VISIBLE_P99_MS;
}
