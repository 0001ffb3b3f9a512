// The load step of a run (run-scenario.ts): the plan sent from worker threads, with a watchdog
// that stops it when capture is gone, and why the run stopped early, if it did.

import type { Clock, EpochClock } from '../clock.js';
import type { LoadProgress, LoadResult } from '../load/run-load.js';
import { runLoad } from '../load/run-load.js';
import type { ScannedReplay } from '../load/scan-replay.js';
import { publicUrl } from '../public-url.js';
import type { RunStop } from '../report/report-types.js';
import type { Target } from '../targets/target.js';
import type { RunPlan, ResolvedRun } from './plan-run.js';

const TARGET_LOST_AFTER_MS = 10_000;

export interface LoadInput {
  readonly run: ResolvedRun;
  readonly planned: RunPlan;
  readonly target: Target;
  readonly replay?: ScannedReplay | undefined;
  readonly clock: EpochClock;
  readonly signal: AbortSignal;
  /** See RunScenarioOptions.targetLostAfterMs (default 10 s). */
  readonly targetLostAfterMs?: number | undefined;
  readonly loadWorkerUrl?: URL | undefined;
  readonly onProgress: (progress: LoadProgress) => void;
}

export interface LoadedRun {
  readonly load: LoadResult;
  /** Why the load stopped before its schedule ended (interrupted, a worker failed, capture lost). */
  readonly stop: RunStop | null;
}

export async function loadRun(input: LoadInput): Promise<LoadedRun> {
  const { run, planned, target, replay, clock, signal } = input;
  // Capture gone (nothing acknowledged while requests fail) stops the load: an open-model
  // schedule would otherwise keep failing until its end.
  const stopLoad = new AbortController();
  const watchdog = captureWatchdog({
    clock,
    lostAfterMs: input.targetLostAfterMs ?? TARGET_LOST_AFTER_MS,
    captureUrl: target.captureUrl,
    onLost: () => stopLoad.abort(new Error('target lost')),
  });
  const load = await runLoad({
    scenario: run.scenario,
    plan: planned.plan,
    ledger: planned.ledger,
    bucketCounts: planned.bucketCounts,
    target: { captureUrl: target.captureUrl, token: target.token },
    ...(replay ? { replay: { spec: replay.timing.spec, scan: replay.scan } } : {}),
    clock,
    signal: AbortSignal.any([signal, stopLoad.signal]),
    ...(input.loadWorkerUrl ? { workerUrl: input.loadWorkerUrl } : {}),
    onProgress: (p) => {
      watchdog.watch(p);
      input.onProgress(p);
    },
  });
  const stop: RunStop | null = signal.aborted
    ? {
        reason: 'interrupted',
        detail: 'SIGINT/SIGTERM: sending stopped, unsent events are counted as dropped',
      }
    : load.failure !== null
      ? // The first line says what failed; a bug's stack trace is in the debug log, not the report.
        { reason: 'load-failed', detail: load.failure.split('\n')[0] ?? load.failure }
      : watchdog.lost();
  return { load, stop };
}

/**
 * Capture is taken as lost when, for `lostAfterMs`, requests failed and none was acknowledged:
 * `onLost` is called once, and `lost()` then says so. Progress without new failures is no sign.
 */
export function captureWatchdog(options: {
  readonly clock: Clock;
  readonly lostAfterMs: number;
  readonly captureUrl: string;
  readonly onLost: () => void;
}): { watch(progress: Pick<LoadProgress, 'acknowledged' | 'failed'>): void; lost(): RunStop | null } {
  const { clock, lostAfterMs } = options;
  let lost: RunStop | null = null;
  let lastAck = { at: clock.now(), acknowledged: 0, failed: 0 };
  return {
    watch(p) {
      const now = clock.now();
      if (p.acknowledged > lastAck.acknowledged || p.failed === lastAck.failed) {
        if (p.acknowledged > lastAck.acknowledged)
          lastAck = { at: now, acknowledged: p.acknowledged, failed: p.failed };
        return;
      }
      if (lost === null && now - lastAck.at >= lostAfterMs) {
        lost = {
          reason: 'target-lost',
          detail: `capture acknowledged nothing for ${Math.round((now - lastAck.at) / 1000)} s while ${p.failed - lastAck.failed} events failed (timeouts, network errors): the target at ${publicUrl(options.captureUrl)} went away`,
        };
        options.onLost();
      }
    },
    lost: () => lost,
  };
}
