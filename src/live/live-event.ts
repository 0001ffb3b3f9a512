// What a run tells its watchers while it runs: a typed discriminated union, emitted through
// `onLive` by runScenario (and runCapacity, per step; runMonitor its own `monitor-*` kinds beside
// the same seconds and SLA), consumed by the live dashboard
// (live/dashboard-server.ts), the NDJSON timeline (`run --timeline-out`) and the Prometheus
// metrics of `run --metrics-listen` / `monitor`. Every value is plain data (JSON-serialisable,
// no class instances), so an event can be written to a file or a socket as it is.
//
// A `second` is final when it is emitted: its counts are what happened in that second (sent,
// acknowledged, first seen), never revised later, so a consumer may append it to a log and the sum
// of every second's counts equals the final report's totals. The visible percentiles of a second
// are of the measured events first seen in it (a late second's cohort would otherwise change
// after the line was written); the report's timeline, computed after the drain, groups latency
// by intended second instead.

import type { CapacityStep } from '../verdict/capacity-types.js';
import type { CapacityReport } from '../report/capacity-report.js';
import type { Report } from '../report/report-types.js';
import type { EventClass } from '../scenario/scenario.js';

/** Which stage of the run a watcher is looking at. */
export type LiveStage = 'preflight' | 'load' | 'drain';

export interface LiveClassSecond {
  /** Events handed to HTTP in this second (by when the load side counted them). */
  readonly sent: number;
  readonly acknowledged: number;
  /** Answered non-2xx after retries. */
  readonly rejected: number;
  /** Network errors and timeouts. */
  readonly failed: number;
  /** Never sent: the in-flight cap was reached or the run was stopped. */
  readonly dropped: number;
  /** Acknowledged events the observer first saw in this second. */
  readonly visible: number;
  /** Visible latency (ms) of the measured events first seen in this second; null when none. */
  readonly visibleP50Ms: number | null;
  readonly visibleP99Ms: number | null;
  /** How many latencies the percentiles are of. */
  readonly latencyCount: number;
}

/** Where the run stands on its query budget (observe/query-client.ts stats). */
export interface LiveQueryBudget {
  /** Queries this run has sent so far, and how many were throttled (429). */
  readonly queries: number;
  readonly throttled: number;
  /** The busiest sliding minute and hour so far. */
  readonly peakPerMinute: number;
  readonly peakPerHour: number;
  /** The budget the run plans within. */
  readonly limits: { readonly perMinute: number; readonly perHour: number; readonly concurrent: number };
}

export interface LiveSecond {
  /** Whole seconds since the plan's start (event 0's intended time), as in the report's timeline. */
  readonly second: number;
  /** Unix ms at which this second ended. */
  readonly endMs: number;
  readonly stage: LiveStage;
  readonly classes: Readonly<Record<EventClass, LiveClassSecond>>;
  /** Failed HTTP attempts in this second by kind ('http_429', 'timeout', …; each retry counts). */
  readonly errors: Readonly<Record<string, number>>;
  /** The worst send delay (actual − intended send, ms) of a batch sent in this second; null when none was sent. */
  readonly sendDelayMaxMs: number | null;
  /** Requests in flight when the second ended. */
  readonly inFlight: number;
  /** Queries sent in this second, and the run's budget as it stands. */
  readonly queries: number;
  readonly budget: LiveQueryBudget;
}

/** One SLA check as it stands: `pending` while the run has no value for it yet (lost counts, ack percentiles). */
export interface LiveSlaCheck {
  readonly check: string;
  readonly metric: string;
  readonly value: number | null;
  readonly unit: string;
  readonly status: 'pass' | 'fail' | 'pending';
}

/** Where `ingestbench monitor` stands, once a second while it runs and once when it stops. */
export interface LiveMonitorStatus {
  readonly atMs: number;
  /** Events sent and not yet seen or lost (what the monitor holds). */
  readonly held: number;
  /** How long the oldest acknowledged, unseen event has waited (0: none). */
  readonly oldestUnseenAgeMs: number;
  /** The SLA over the rolling window, the deadline condition included. */
  readonly slaOk: boolean;
  /** Unix ms of the last poll the query API answered; null before the first. */
  readonly lastPollMs: number | null;
  /** Lost so far (unseen at the first poll after the deadline), per class. */
  readonly lost: Readonly<Record<EventClass, number>>;
  /** Let go unchecked after a query API outage outlasted twice the deadline, per class. */
  readonly unverified: Readonly<Record<EventClass, number>>;
  /** Polls that failed so far (they decide nothing). */
  readonly queryErrors: number;
  /** Set on the last status: the monitor has stopped. */
  readonly stopped: boolean;
}

export type LiveEvent =
  /** A run (or a capacity step's run) begins its load: what the seconds that follow belong to. */
  | {
      readonly type: 'started';
      readonly runId: string;
      readonly scenario: string;
      /** Unix ms of second 0. */
      readonly startAtMs: number;
      readonly durationMs: number;
      readonly plannedTotal: number;
      readonly method: 'exact' | 'counts';
      readonly pollIntervalMs: number;
      /** Set for a capacity step: which class and rate it offers. */
      readonly step?: { readonly eventClass: EventClass; readonly rate: number; readonly index: number };
    }
  /**
   * `ingestbench monitor` begins (it has no duration and no planned total): the seconds that
   * follow are its own, and `monitor-status` events say what a run's report would.
   */
  | {
      readonly type: 'monitor-started';
      readonly runId: string;
      readonly scenario: string;
      /** Unix ms of second 0. */
      readonly startAtMs: number;
      readonly pollIntervalMs: number;
      readonly ratePerClass: number;
      readonly deadlineMs: number;
      readonly windowMs: number;
    }
  | { readonly type: 'monitor-status'; readonly status: LiveMonitorStatus }
  | { readonly type: 'stage'; readonly stage: LiveStage }
  | { readonly type: 'second'; readonly second: LiveSecond }
  | { readonly type: 'sla'; readonly checks: readonly LiveSlaCheck[] }
  /** A capacity step finished, with its verdict. */
  | { readonly type: 'step'; readonly eventClass: EventClass; readonly step: CapacityStep }
  /** The run's final report (the same object report.json holds). */
  | { readonly type: 'report'; readonly report: Report }
  /** A capacity run's final result. */
  | { readonly type: 'capacity-report'; readonly report: CapacityReport };

export type LiveListener = (event: LiveEvent) => void;
