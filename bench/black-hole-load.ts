// A load run of the harness's own sender into the sink's black hole: the quickstart scenario with
// fixed phases, batches of 100, uncompressed, no retries. Shared by the harness benches.

import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';
import { Ledger } from '../src/load/ledger.js';
import { planLoad } from '../src/load/plan-load.js';
import { runLoad, type LoadResult } from '../src/load/run-load.js';
import type { RatePhase, Scenario } from '../src/scenario/scenario.js';
import { BLACK_HOLE, SINK_TOKEN } from './sink-process.js';

export const QUICKSTART = fileURLToPath(new URL('../../scenarios/quickstart.yaml', import.meta.url));

export const steady = (rate: number, seconds: number): RatePhase => ({
  name: 'steady',
  kind: 'steady',
  durationMs: seconds * 1000,
  fromRate: rate,
  toRate: rate,
  measured: true,
});

export function sendScenario(base: Scenario, phases: RatePhase[], maxInFlight: number): Scenario {
  return { ...base, phases, batchSize: 100, compression: 'none', maxInFlight, maxRetries: 0 };
}

export async function send(
  scenario: Scenario,
  captureUrl: string,
  workers: number,
  fullSpeed: boolean,
): Promise<LoadResult> {
  const plan = planLoad(scenario, {
    workers,
    runId: `bench-${Date.now().toString(36)}`,
    // Room for the workers to start (module loading, faker pools) even on a loaded machine:
    // a late start would show up as a catch-up burst, not as the steady state measured here.
    startAtMs: systemClock.now() + 2500,
    fullSpeed,
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  return runLoad({ scenario, plan, ledger, target: { captureUrl, token: SINK_TOKEN, endpoint: BLACK_HOLE } });
}
