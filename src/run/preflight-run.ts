// The preflight step of a run (run-scenario.ts): the query client the run observes with, and the
// proof that the target works end to end before any load is sent. Fast checks first (nothing
// listening, a refused token shape, a wrong key or project), then a probe event that comes back
// through the query API. Also the cost counters' first reading, when the target exposes them.

import { debuglog } from 'node:util';
import type { Clock } from '../clock.js';
import { IngestbenchError } from '../errors.js';
import { scrapeCostCounters } from '../measure/measure-cost.js';
import { createKeyBudget, type KeyBudget } from '../observe/key-budget.js';
import { createQueryClient, type QueryClient } from '../observe/query-client.js';
import { observationLimits } from '../observe/shard-budget.js';
import { publicUrl } from '../public-url.js';
import type { PreflightSummary } from '../report/report-types.js';
import type { Scenario } from '../scenario/scenario.js';
import { explainTargetError, settingNamesOf } from '../targets/explain-target-error.js';
import { checkCaptureReachable } from '../targets/preflight.js';
import { probePreflight } from '../targets/probe-preflight.js';
import type { Target } from '../targets/target.js';

const debug = debuglog('ingestbench:run');

export interface PreflightInput {
  readonly scenario: Scenario;
  readonly target: Target;
  readonly runId: string;
  readonly queryBudget?: KeyBudget | undefined;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

export interface PreflightedRun {
  readonly client: QueryClient;
  readonly preflight: PreflightSummary;
}

export async function preflightRun(input: PreflightInput): Promise<PreflightedRun> {
  const { scenario, target, runId, signal, clock } = input;
  // Not tied to the run's signal: after an interrupt the poller still makes its one final poll.
  const client = createQueryClient({
    queryUrl: target.queryUrl,
    projectId: target.projectId,
    personalKey: target.personalKey,
    budget: input.queryBudget ?? createKeyBudget(observationLimits(scenario.observation)),
    ...(scenario.observation.resolvedLimits
      ? { requestTimeoutMs: scenario.observation.resolvedLimits.requestTimeoutMs }
      : {}),
    clock,
  });
  try {
    await checkCaptureReachable(target.captureUrl, target.token, signal, settingNamesOf(target));
    // Bounded like the probe: a query API that holds or throttles every query fails the run here.
    const preflightDeadline = clock.now() + scenario.preflight.probeTimeoutMs;
    await client.preflight({ signal, deadline: () => preflightDeadline });
    const probe = await probePreflight({
      captureUrl: target.captureUrl,
      token: target.token,
      client,
      runId,
      timeoutMs: scenario.preflight.probeTimeoutMs,
      settings: settingNamesOf(target),
      signal,
      clock,
    });
    debug('probe seen after %d ms (%d sent, %d queries)', probe.latencyMs, probe.sent, probe.queries);
    return { client, preflight: { probeLatencyMs: probe.latencyMs, probesSent: probe.sent } };
  } catch (error) {
    if (signal.aborted) {
      throw new IngestbenchError(
        'INTERRUPTED',
        'interrupted during the preflight: no load was sent, no report',
        {
          cause: error,
        },
      );
    }
    throw explainTargetError(error, target);
  }
}

export type CostCounters = Awaited<ReturnType<typeof scrapeCostCounters>>;

/**
 * The target's cost counters, or null without a metrics endpoint or when it cannot be read: cost
 * figures are a bonus, and without them the run still measured what it came for (`notes` says so).
 */
export async function scrapeCost(
  target: Target,
  when: string,
  notes: string[],
): Promise<CostCounters | null> {
  if (!target.metricsUrl) return null;
  try {
    return await scrapeCostCounters(target.metricsUrl);
  } catch (error) {
    debug('metrics scrape %s failed: %o', when, error);
    notes.push(
      `the target's metrics (${publicUrl(target.metricsUrl)}) could not be read ${when} (${error instanceof Error ? error.message : String(error)}): no cost figures`,
    );
    return null;
  }
}
