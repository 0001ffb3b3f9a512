import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceMetrics, snakeCase } from '../../../src/reference/server/reference-metrics.js';
import type { BatchReport } from '../../../src/reference/pipeline/ingestion-protocol.js';
import { sample } from './prometheus-sample.js';

const report = (overrides: Partial<BatchReport> = {}): BatchReport => ({
  offset: 3,
  rows: 2,
  events: 10,
  ingested: { anonymous: 6, identified: 2 },
  otherClass: { forceUpgrade: 1, personProcessingOptOut: 0 },
  dropped: [{ reason: 'unknownToken', eventClass: 'anonymous', count: 2 }],
  warnings: { cannot_merge_already_identified: 1 },
  personRowsRead: 4,
  personRowsWritten: 3,
  storeRowsWritten: 12,
  cpuMicros: { anonymous: 1500, identified: 4500 },
  faults: { dropAfterAck: 1, duplicate: 2, delay: 0 },
  lastEnqueuedAt: 0,
  ...overrides,
});

test('batch reports move the ingestion counters by their values', async () => {
  const metrics = createReferenceMetrics({ depth: () => 7, lagSeconds: () => 1.5 });
  metrics.batch(report());
  metrics.batch(report({ ingested: { anonymous: 1, identified: 1 }, dropped: [], warnings: {} }));
  const text = await metrics.render();
  assert.equal(
    sample(text, 'ingestbench_events_ingested_total', { class: 'anonymous', outcome: 'ingested' }),
    7,
  );
  assert.equal(
    sample(text, 'ingestbench_events_ingested_total', { class: 'identified', outcome: 'ingested' }),
    3,
  );
  assert.equal(
    sample(text, 'ingestbench_events_ingested_total', {
      class: 'anonymous',
      outcome: 'dropped_unknown_token',
    }),
    2,
  );
  assert.equal(
    sample(text, 'ingestbench_ingestion_warnings_total', { type: 'cannot_merge_already_identified' }),
    1,
  );
  assert.equal(sample(text, 'ingestbench_person_rows_read_total'), 8);
  assert.equal(sample(text, 'ingestbench_person_rows_written_total'), 6);
  assert.equal(sample(text, 'ingestbench_store_rows_written_total'), 24);
  assert.equal(sample(text, 'ingestbench_ingestion_cpu_seconds_total', { class: 'anonymous' }), 0.003);
  assert.equal(sample(text, 'ingestbench_ingestion_cpu_seconds_total', { class: 'identified' }), 0.009);
  assert.equal(sample(text, 'ingestbench_faults_injected_total', { kind: 'drop-after-ack' }), 2);
  assert.equal(sample(text, 'ingestbench_faults_injected_total', { kind: 'duplicate' }), 4);
  assert.equal(
    sample(text, 'ingestbench_faults_injected_total', { kind: 'delay' }),
    0,
    'zero-valued kinds are exported',
  );
  assert.equal(sample(text, 'ingestbench_queue_depth_events'), 7);
  assert.equal(sample(text, 'ingestbench_ingestion_lag_seconds'), 1.5);
});

test('capture counters, faults and restarts', async () => {
  const metrics = createReferenceMetrics({ depth: () => 0, lagSeconds: () => 0 });
  metrics.captured('anonymous', 'accepted', 100);
  metrics.captured('identified', 'accepted', 5);
  metrics.captured('identified', 'rejected', 3);
  metrics.captureResponse(200);
  metrics.captureResponse(200);
  metrics.captureResponse(429);
  metrics.fault('reject');
  metrics.fault('crash');
  metrics.restart();
  const text = await metrics.render();
  assert.equal(
    sample(text, 'ingestbench_events_captured_total', { class: 'anonymous', outcome: 'accepted' }),
    100,
  );
  assert.equal(
    sample(text, 'ingestbench_events_captured_total', { class: 'identified', outcome: 'rejected' }),
    3,
  );
  assert.equal(sample(text, 'ingestbench_capture_requests_total', { status: '200' }), 2);
  assert.equal(sample(text, 'ingestbench_capture_requests_total', { status: '429' }), 1);
  assert.equal(sample(text, 'ingestbench_faults_injected_total', { kind: 'reject' }), 1);
  assert.equal(sample(text, 'ingestbench_faults_injected_total', { kind: 'crash' }), 1);
  assert.equal(sample(text, 'ingestbench_ingestion_restarts_total'), 1);
});

test('process CPU: capture from this process, ingestion summed over incarnations', async () => {
  const metrics = createReferenceMetrics({ depth: () => 0, lagSeconds: () => 0 });
  metrics.ingestionCpu({ user: 1_000_000, system: 500_000 }, 1);
  metrics.ingestionCpu({ user: 2_000_000, system: 500_000 }, 1);
  // A restarted child counts from zero again: its figures add to the dead one's.
  metrics.ingestionCpu({ user: 250_000, system: 250_000 }, 2);
  const text = await metrics.render();
  assert.equal(sample(text, 'process_cpu_seconds_total', { process: 'ingestion' }), 3);
  const capture = sample(text, 'process_cpu_seconds_total', { process: 'capture' }) ?? 0;
  const own = process.cpuUsage();
  assert.ok(capture > 0 && capture <= (own.user + own.system) / 1e6, `capture cpu ${capture}`);
});

test('two targets in one process do not share metrics', async () => {
  const a = createReferenceMetrics({ depth: () => 0, lagSeconds: () => 0 });
  const b = createReferenceMetrics({ depth: () => 0, lagSeconds: () => 0 });
  a.restart();
  assert.equal(sample(await b.render(), 'ingestbench_ingestion_restarts_total'), 0);
});

test('snakeCase turns outcome keys into label values', () => {
  assert.equal(snakeCase('unknownToken'), 'unknown_token');
  assert.equal(snakeCase('personlessPersonEvent'), 'personless_person_event');
  assert.equal(snakeCase('fault'), 'fault');
});
