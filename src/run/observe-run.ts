// The observe step of a run (run-scenario.ts): the live feed and the observer that watches the
// query API while the load is sent, then the end of observation: the drain to its deadline, or,
// for a run cut short, one bounded final poll. Every wait and reading of time is on the run's clock.

import type { Clock } from '../clock.js';
import type { LiveEvent, LiveListener } from '../live/live-event.js';
import { startLiveFeed, type LiveFeed } from '../live/live-feed.js';
import { startCountsObserver } from '../observe/counts-observer.js';
import type { VisibleListener } from '../observe/observation-result.js';
import type { Observer, StopOptions } from '../observe/observer.js';
import { startPoller } from '../observe/poller.js';
import type { QueryClient } from '../observe/query-client.js';
import type { RunStop } from '../report/report-types.js';
import { loadAppliedChecks } from '../verdict/load-applied.js';
import type { RunPlan, ResolvedRun } from './plan-run.js';

/** The final poll an interrupted run still gets (or the drain timeout, when shorter). */
const FINAL_POLL_MS = 10_000;
/** How often the drain reports its progress. */
const DRAIN_TICK_MS = 1000;

export interface ObserveInput {
  readonly run: ResolvedRun;
  readonly planned: RunPlan;
  readonly client: QueryClient;
  readonly clock: Clock;
  readonly onLive?: LiveListener | undefined;
  readonly liveStep?: Extract<LiveEvent, { type: 'started' }>['step'] | undefined;
  readonly onVisible?: VisibleListener | undefined;
  readonly queryBudgetSpanMs?: number | undefined;
}

export interface RunObservation {
  readonly live: LiveFeed | null;
  readonly observer: Observer;
}

export function observeRun(input: ObserveInput): RunObservation {
  const { run, client, clock } = input;
  const { scenario, runId, shard } = run;
  const { plan, method, observationMs, ledger, bucketCounts } = input.planned;
  const live = input.onLive
    ? startLiveFeed({
        listener: input.onLive,
        started: {
          type: 'started',
          runId,
          scenario: scenario.name,
          startAtMs: plan.startAtMs,
          durationMs: plan.durationMs,
          plannedTotal: plan.planned,
          method: method.method,
          pollIntervalMs: scenario.observation.pollIntervalMs,
          ...(input.liveStep ? { step: input.liveStep } : {}),
        },
        checks: [...scenario.sla, ...loadAppliedChecks(scenario.loadApplied)],
        clock,
        queryStats: () => client.stats(),
      })
    : null;
  const onVisible = visibleListeners(live?.onVisible, input.onVisible);
  const budgetSpan = input.queryBudgetSpanMs === undefined ? {} : { budgetSpanMs: input.queryBudgetSpanMs };
  // Either observer plans its interval so the query budget lasts the load and the drain, bounds
  // every wait by the drain deadline, and has no signal: stop({ finalPollMs }) ends it (endObservation).
  const observer: Observer = bucketCounts
    ? startCountsObserver({
        client,
        counts: bucketCounts,
        plan,
        phases: scenario.phases,
        pollIntervalMs: scenario.observation.pollIntervalMs,
        clock,
        observationMs,
        ...onVisible,
        ...budgetSpan,
      })
    : startPoller({
        client,
        ledger: ledger!,
        runId,
        runTag: plan.runTag,
        ...(shard ? { shard } : {}),
        pollIntervalMs: scenario.observation.pollIntervalMs,
        clock,
        observationMs,
        ...budgetSpan,
        // The count query is bounded to the plan's time range.
        runRange: [plan.startAtMs, plan.startAtMs + plan.durationMs],
        ...onVisible,
      });
  return { live, observer };
}

export interface DrainProgress {
  readonly stage: 'drain';
  readonly visible: number;
  readonly acknowledged: number;
  readonly elapsedMs: number;
}

/** What the end of observation needs of an observer (observe/observer.ts), whatever it returns. */
export interface EndableObserver<Result> {
  drain(timeoutMs: number): Promise<Result>;
  stop(options?: StopOptions): Promise<Result>;
  stats(): { readonly visible: number };
}

export interface EndObservationInput<Result> {
  readonly observer: EndableObserver<Result>;
  readonly live: Pick<LiveFeed, 'stage'> | null;
  /** Why the run was cut short; null when the load ran its schedule. */
  readonly stop: RunStop | null;
  readonly drainTimeoutMs: number;
  /** Events capture acknowledged (the drain's progress compares them with those seen). */
  readonly acknowledged: number;
  readonly clock: Clock;
  /** Told each second of the drain how far it got. */
  readonly onProgress: (progress: DrainProgress) => void;
}

export async function endObservation<Result>(input: EndObservationInput<Result>): Promise<Result> {
  const { observer, clock } = input;
  if (input.stop !== null) {
    // Cut short (interrupted, a load worker failed, capture lost): no drain, which a lost target
    // would hold to its timeout; one bounded final poll sees what landed, the rest is unverified.
    return observer.stop({ finalPollMs: Math.min(FINAL_POLL_MS, input.drainTimeoutMs) });
  }
  input.live?.stage('drain');
  const drainStart = clock.now();
  const drained = new AbortController();
  const ticks = (async () => {
    for (;;) {
      try {
        await clock.sleep(DRAIN_TICK_MS, drained.signal);
      } catch {
        return; // the drain ended
      }
      if (drained.signal.aborted) return;
      input.onProgress({
        stage: 'drain',
        visible: observer.stats().visible,
        acknowledged: input.acknowledged,
        elapsedMs: clock.now() - drainStart,
      });
    }
  })();
  try {
    return await observer.drain(input.drainTimeoutMs);
  } finally {
    drained.abort();
    await ticks;
  }
}

/** The observers take one onVisible: the live feed's, the caller's, both, or none. */
function visibleListeners(...listeners: (VisibleListener | undefined)[]): { onVisible?: VisibleListener } {
  const all = listeners.filter((l) => l !== undefined);
  if (all.length === 0) return {};
  if (all.length === 1) return { onVisible: all[0]! };
  return {
    onVisible(eventClass, events, measured, latencyMs, atMs) {
      for (const l of all) l(eventClass, events, measured, latencyMs, atMs);
    },
  };
}
