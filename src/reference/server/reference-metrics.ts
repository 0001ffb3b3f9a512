// The reference target's Prometheus metrics, on its own prom-client Registry (never the global
// one: several targets may live in one process, e.g. in tests). Counters move from two sources:
// capture in this process, and batch reports that the ingestion child sends after each commit.

import { Counter, Gauge, Registry } from 'prom-client';
import type { EventClass } from '../../core/event-class.js';
import type { BatchReport } from '../pipeline/ingestion-protocol.js';
import { QUERY_OUTCOMES, type QueryOutcome } from '../query/query-handler.js';

export interface QueueGauges {
  /** Events appended and not yet committed by ingestion. */
  depth(): number;
  /** Seconds since the oldest not-yet-ingested event was enqueued (0 when none waits). */
  lagSeconds(): number;
}

/** accepted: durably queued; rejected: by the reject fault; quota_limited: answered 200, not queued. */
export type CaptureOutcome = 'accepted' | 'rejected' | 'quota_limited';

export type FaultKind = 'drop-after-ack' | 'duplicate' | 'delay' | 'reject' | 'crash';

export interface ReferenceMetrics {
  readonly registry: Registry;
  captured(eventClass: EventClass, outcome: CaptureOutcome, count: number): void;
  captureResponse(status: number): void;
  batch(report: BatchReport): void;
  /** Cumulative CPU of the current ingestion child (it resets when a child restarts). */
  ingestionCpu(cpu: NodeJS.CpuUsage, incarnation: number): void;
  fault(kind: FaultKind, count?: number): void;
  restart(): void;
  /** One query request past authentication, by how it ended (answered, throttled_hour, …). */
  query(outcome: QueryOutcome): void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
}

export function createReferenceMetrics(queue: QueueGauges): ReferenceMetrics {
  const registry = new Registry();
  const registers = [registry];

  const capturedEvents = new Counter({
    name: 'ingestbench_events_captured_total',
    help: 'Events received by capture, by class and outcome: accepted (durably queued, acknowledged), rejected (by the reject fault) or quota_limited (project over its billing quota: answered 200, not queued, as PostHog does).',
    labelNames: ['class', 'outcome'] as const,
    registers,
  });
  const captureRequests = new Counter({
    name: 'ingestbench_capture_requests_total',
    help: 'Capture HTTP responses by status code.',
    labelNames: ['status'] as const,
    registers,
  });
  const ingestedEvents = new Counter({
    name: 'ingestbench_events_ingested_total',
    help: 'Events leaving ingestion by class and outcome: ingested, or dropped_<reason> (dropped_unknown_token, dropped_fault, …).',
    labelNames: ['class', 'outcome'] as const,
    registers,
  });
  const otherClass = new Counter({
    name: 'ingestbench_events_processed_as_other_class_total',
    help: 'Events ingestion processed as the other class than sent, by rule: force_upgrade (sent personless, its distinct id had a person over a minute older: processed and counted as identified), person_processing_opt_out (sent identified by a project that opted out: processed and counted as anonymous).',
    labelNames: ['rule'] as const,
    registers,
  });
  otherClass.inc({ rule: 'force_upgrade' }, 0);
  otherClass.inc({ rule: 'person_processing_opt_out' }, 0);
  const warnings = new Counter({
    name: 'ingestbench_ingestion_warnings_total',
    help: 'Ingestion warnings by type (PostHog ingestion_warnings).',
    labelNames: ['type'] as const,
    registers,
  });
  const personRowsRead = new Counter({
    name: 'ingestbench_person_rows_read_total',
    help: 'Person and distinct-id rows read by ingestion.',
    registers,
  });
  const personRowsWritten = new Counter({
    name: 'ingestbench_person_rows_written_total',
    help: 'Person and distinct-id rows written by ingestion.',
    registers,
  });
  const storeRowsWritten = new Counter({
    name: 'ingestbench_store_rows_written_total',
    help: 'Rows written to the event store (events, persons, groups, warnings).',
    registers,
  });
  new Gauge({
    name: 'ingestbench_queue_depth_events',
    help: 'Events acknowledged by capture and not yet committed by ingestion.',
    registers,
    collect() {
      this.set(queue.depth());
    },
  });
  new Gauge({
    name: 'ingestbench_ingestion_lag_seconds',
    help: 'Age of the oldest acknowledged event not yet ingested; 0 when the queue is drained.',
    registers,
    collect() {
      this.set(queue.lagSeconds());
    },
  });
  const processCpu = new Counter({
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU seconds by process: capture (HTTP, queue) and ingestion (the child process, all incarnations).',
    labelNames: ['process'] as const,
    registers,
  });
  const ingestionCpuByClass = new Counter({
    name: 'ingestbench_ingestion_cpu_seconds_total',
    help: "Ingestion CPU seconds by event class: each class's marginal cost per event plus the batch's shared overhead (routing, commit) by rows written, so the figure does not follow the class mix.",
    labelNames: ['class'] as const,
    registers,
  });
  const faults = new Counter({
    name: 'ingestbench_faults_injected_total',
    help: 'Faults injected by kind: events (drop-after-ack, duplicate, delay), requests (reject), process kills (crash).',
    labelNames: ['kind'] as const,
    registers,
  });
  const restarts = new Counter({
    name: 'ingestbench_ingestion_restarts_total',
    help: 'Times the ingestion process was restarted after it exited (crashes, injected or not).',
    registers,
  });
  const queries = new Counter({
    name: 'ingestbench_queries_total',
    help: 'Query API requests past authentication by outcome: answered, refused (400/405), throttled_minute, throttled_hour, throttled_concurrency, throttled_fault (429), timed_out (504), failed (500).',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of QUERY_OUTCOMES) queries.inc({ outcome }, 0);
  for (const kind of ['drop-after-ack', 'duplicate', 'delay', 'reject', 'crash'] as const)
    faults.inc({ kind }, 0);
  restarts.inc(0);

  // Capture CPU is read when scraped; ingestion CPU arrives as cumulative figures per incarnation.
  let captureCpuSeen = 0;
  let ingestionSeen = { incarnation: -1, micros: 0 };
  const micros = (cpu: NodeJS.CpuUsage): number => cpu.user + cpu.system;
  processCpu.inc({ process: 'ingestion' }, 0);

  return {
    registry,
    captured(eventClass, outcome, count) {
      if (count > 0) capturedEvents.inc({ class: eventClass, outcome }, count);
    },
    captureResponse(status) {
      captureRequests.inc({ status: String(status) });
    },
    batch(report) {
      for (const eventClass of ['anonymous', 'identified'] as const) {
        const ingested = report.ingested[eventClass];
        if (ingested > 0) ingestedEvents.inc({ class: eventClass, outcome: 'ingested' }, ingested);
        const cpu = report.cpuMicros[eventClass];
        if (cpu > 0) ingestionCpuByClass.inc({ class: eventClass }, cpu / 1e6);
      }
      if (report.otherClass.forceUpgrade > 0)
        otherClass.inc({ rule: 'force_upgrade' }, report.otherClass.forceUpgrade);
      if (report.otherClass.personProcessingOptOut > 0)
        otherClass.inc({ rule: 'person_processing_opt_out' }, report.otherClass.personProcessingOptOut);
      for (const d of report.dropped) {
        if (d.count > 0)
          ingestedEvents.inc({ class: d.eventClass, outcome: `dropped_${snakeCase(d.reason)}` }, d.count);
      }
      for (const [type, count] of Object.entries(report.warnings))
        if (count > 0) warnings.inc({ type }, count);
      if (report.personRowsRead > 0) personRowsRead.inc(report.personRowsRead);
      if (report.personRowsWritten > 0) personRowsWritten.inc(report.personRowsWritten);
      if (report.storeRowsWritten > 0) storeRowsWritten.inc(report.storeRowsWritten);
      if (report.faults.dropAfterAck > 0) faults.inc({ kind: 'drop-after-ack' }, report.faults.dropAfterAck);
      if (report.faults.duplicate > 0) faults.inc({ kind: 'duplicate' }, report.faults.duplicate);
      if (report.faults.delay > 0) faults.inc({ kind: 'delay' }, report.faults.delay);
    },
    ingestionCpu(cpu, incarnation) {
      const now = micros(cpu);
      const delta = incarnation === ingestionSeen.incarnation ? now - ingestionSeen.micros : now;
      ingestionSeen = { incarnation, micros: now };
      if (delta > 0) processCpu.inc({ process: 'ingestion' }, delta / 1e6);
    },
    fault(kind, count = 1) {
      faults.inc({ kind }, count);
    },
    restart() {
      restarts.inc();
    },
    query(outcome) {
      queries.inc({ outcome });
    },
    async render() {
      const now = micros(process.cpuUsage());
      if (now > captureCpuSeen) processCpu.inc({ process: 'capture' }, (now - captureCpuSeen) / 1e6);
      captureCpuSeen = now;
      return registry.metrics();
    },
  };
}

/** "unknownToken" → "unknown_token", for label values. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_]/g, '_');
}
