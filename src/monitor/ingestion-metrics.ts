// The harness's own Prometheus metrics: what `monitor` serves at /metrics, and `run
// --metrics-listen` too, so one set of alert rules and dashboards reads both. Its own prom-client
// Registry (never the global one: a test may hold a monitor, a run and a reference target in one
// process). Counters only ever move by what was observed; gauges are read when scraped.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventClass } from '../scenario/scenario.js';

export interface IngestionGauges {
  /** Seconds the oldest acknowledged, unseen event has waited (0 when none); absent: not served. */
  oldestUnseenAgeSeconds?(): number;
  /** 1 while the SLA holds over the rolling window, 0 when not; absent: not served. */
  slaOk?(): number;
  /** Unix seconds of the last poll the query API answered; 0 before the first; absent: not served. */
  lastPollSeconds?(): number;
  /** The poll interval: visible latencies are upper bounds by this much. */
  resolutionSeconds(): number;
}

/** The counters' values, for the per-minute log line and the final summary. */
export interface IngestionTotals {
  readonly classes: Record<EventClass, ClassCounters>;
  readonly queries: number;
  readonly queryErrors: number;
}

export interface ClassCounters {
  sent: number;
  acknowledged: number;
  visible: number;
  lost: number;
  /** Let go unchecked: a query API outage outlasted twice the deadline (monitor-ledger.ts). */
  unverified: number;
  captureErrors: number;
}

export interface IngestionMetrics {
  readonly registry: Registry;
  totals(): IngestionTotals;
  sent(eventClass: EventClass, count?: number): void;
  acknowledged(eventClass: EventClass, count?: number): void;
  captureErrors(eventClass: EventClass, count?: number): void;
  /** One event seen through the query API, `latencyMs` after its intended time. */
  visible(eventClass: EventClass, latencyMs: number): void;
  /** Visible events without their latencies (a run counts them per second). */
  visibleCount(eventClass: EventClass, count: number): void;
  /**
   * `count` visible events' latency, into the histogram only (a run counts the events apart).
   * A negative latency (clock skew) is left out, as the report's histograms leave it out.
   */
  visibleLatencies(eventClass: EventClass, latencyMs: number, count: number): void;
  lost(eventClass: EventClass, count?: number): void;
  unverified(eventClass: EventClass, count?: number): void;
  queries(count?: number): void;
  queryErrors(count?: number): void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
}

/** Histogram bounds in seconds: a fixed ladder plus fractions and multiples of the deadline. */
export function latencyBuckets(deadlineSeconds: number): number[] {
  const ladder = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const around = [0.25, 0.5, 0.75, 1, 1.5, 2, 5].map((k) => k * deadlineSeconds);
  return [...new Set([...ladder, ...around].map((s) => Math.round(s * 1000) / 1000))]
    .filter((s) => s > 0)
    .sort((a, b) => a - b);
}

export function createIngestionMetrics(deadlineSeconds: number, gauges: IngestionGauges): IngestionMetrics {
  const registry = new Registry();
  const registers = [registry];
  const byClass = ['class'] as const;
  const counter = (name: string, help: string): Counter<'class'> =>
    new Counter({ name, help, labelNames: byClass, registers });
  const sent = counter('ingestbench_events_sent_total', 'Events sent to capture, by class.');
  const acknowledged = counter(
    'ingestbench_events_acknowledged_total',
    'Events capture acknowledged (2xx), by class.',
  );
  const visible = counter('ingestbench_events_visible_total', 'Events the query API returned, by class.');
  const lost = counter(
    'ingestbench_events_lost_total',
    'Acknowledged events not returned by the query API within the deadline, by class.',
  );
  const unverified = counter(
    'ingestbench_events_unverified_total',
    'Acknowledged events nobody could check (the query API failed past twice the deadline; a run: observation ended early), by class. Never counted as lost.',
  );
  const captureErrors = counter(
    'ingestbench_capture_errors_total',
    'Events capture refused or did not answer (non-2xx, timeout, network error), by class.',
  );
  const queries = new Counter({
    name: 'ingestbench_queries_total',
    help: 'HTTP requests to the query API (throttled ones included: what the budget counts).',
    registers,
  });
  const queryErrors = new Counter({
    name: 'ingestbench_query_errors_total',
    help: 'Polls that failed (throttled past their deadline, refused, unreachable).',
    registers,
  });
  const latency = new Histogram({
    name: 'ingestbench_visible_latency_seconds',
    help: 'Time-to-queryable: from an event’s intended send time to the poll that first returned it (an upper bound by the resolution).',
    labelNames: byClass,
    buckets: latencyBuckets(deadlineSeconds),
    registers,
  });
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  };
  gauge(
    'ingestbench_visible_latency_resolution_seconds',
    'The poll interval: each visible latency is at most this much above the truth.',
    () => gauges.resolutionSeconds(),
  );
  // Gauges a caller cannot know are not served rather than served as a made-up 0.
  const optional = (name: string, help: string, read: (() => number) | undefined): void => {
    if (read) gauge(name, help, read);
  };
  optional(
    'ingestbench_oldest_unseen_event_age_seconds',
    'How long the oldest acknowledged event not yet returned by the query API has waited (grows while ingestion stalls, even if capture answers 200); a run with counts observation: since the start of the oldest time bucket not yet fully returned.',
    gauges.oldestUnseenAgeSeconds?.bind(gauges),
  );
  optional(
    'ingestbench_sla_ok',
    '1 while the scenario’s SLA holds over the rolling window (and no event waits past the deadline), else 0.',
    gauges.slaOk?.bind(gauges),
  );
  optional(
    'ingestbench_last_poll_timestamp_seconds',
    'Unix time of the last poll the query API answered.',
    gauges.lastPollSeconds?.bind(gauges),
  );
  // Every class present from the start, so a rate() over a class that has not moved yet reads 0.
  for (const cls of ['anonymous', 'identified'] as const)
    for (const c of [sent, acknowledged, visible, lost, unverified, captureErrors]) c.inc({ class: cls }, 0);

  const labels: Record<EventClass, { class: EventClass }> = {
    anonymous: { class: 'anonymous' },
    identified: { class: 'identified' },
  };
  // The same counts as plain numbers (prom-client's are read back only asynchronously).
  const zero = (): ClassCounters => ({
    sent: 0,
    acknowledged: 0,
    visible: 0,
    lost: 0,
    unverified: 0,
    captureErrors: 0,
  });
  const classes: Record<EventClass, ClassCounters> = { anonymous: zero(), identified: zero() };
  let queryCount = 0;
  let queryErrorCount = 0;
  const add = (c: Counter<'class'>, field: keyof ClassCounters, cls: EventClass, n: number): void => {
    if (n <= 0) return;
    c.inc({ class: cls }, n);
    classes[cls][field] += n;
  };
  return {
    registry,
    totals: () => ({
      classes: { anonymous: { ...classes.anonymous }, identified: { ...classes.identified } },
      queries: queryCount,
      queryErrors: queryErrorCount,
    }),
    sent: (cls, n = 1) => add(sent, 'sent', cls, n),
    acknowledged: (cls, n = 1) => add(acknowledged, 'acknowledged', cls, n),
    captureErrors: (cls, n = 1) => add(captureErrors, 'captureErrors', cls, n),
    visible(cls, ms) {
      add(visible, 'visible', cls, 1);
      latency.observe(labels[cls], ms / 1000);
    },
    visibleCount: (cls, n) => add(visible, 'visible', cls, n),
    visibleLatencies(cls, ms, n) {
      if (!(ms >= 0)) return;
      // prom-client observes one value at a time; a counts bucket's events share one bound.
      for (let i = 0; i < n; i++) latency.observe(labels[cls], ms / 1000);
    },
    lost: (cls, n = 1) => add(lost, 'lost', cls, n),
    unverified: (cls, n = 1) => add(unverified, 'unverified', cls, n),
    queries(n = 1) {
      if (n <= 0) return;
      queries.inc(n);
      queryCount += n;
    },
    queryErrors(n = 1) {
      if (n <= 0) return;
      queryErrors.inc(n);
      queryErrorCount += n;
    },
    render: () => registry.metrics(),
  };
}
