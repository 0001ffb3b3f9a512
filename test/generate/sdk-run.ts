// Runs a shipped scenario for a second through the real load path (worker threads, batching,
// encoding, HTTP) into a capture recorder: what the SDK-profile tests check is what a run sends.

import { fileURLToPath } from 'node:url';
import { Ledger } from '../../src/load/ledger.js';
import { planLoad } from '../../src/load/plan-load.js';
import { runLoad, type LoadResult } from '../../src/load/run-load.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import type { CaptureRecorder } from './capture-recorder.js';
import { steady } from './scenario-fixture.js';

export const shippedScenario = (name: string): string =>
  fileURLToPath(new URL(`../../../scenarios/${name}.yaml`, import.meta.url));

/** The shipped scenario at `rate` events/s for one second, everything else as shipped. */
export async function shortShipped(name: string, rate: number): Promise<Scenario> {
  const scenario = await loadScenario(shippedScenario(name));
  return { ...scenario, phases: [steady(rate, 1000)], maxInFlight: 200 };
}

export async function runInto(recorder: CaptureRecorder, scenario: Scenario): Promise<LoadResult> {
  const plan = planLoad(scenario, {
    workers: 2,
    runId: `sdk-${Math.random().toString(36).slice(2)}`,
    startAtMs: Date.now() + 400,
    fullSpeed: false,
  });
  return runLoad({
    scenario,
    plan,
    ledger: Ledger.allocate(plan.workers.map((w) => w.capacity)),
    target: { captureUrl: recorder.url, token: 'phc_sdk_profile_test' },
  });
}
