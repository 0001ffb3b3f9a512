// The zod schema of report.json: what `compare`, `merge` and `run --baseline` accept when they read
// a report back (read-report.ts), and what schema/report.schema.json publishes (report-json-schema.ts).
// The sections those commands compute with (run, totals, classes, latency, observation, sla,
// verdict) are spelled out field by field; the descriptive sections (timeline, cost, lag trend,
// clock skew, workload) are checked to be objects of the right shape at their top. A test checks
// that a built report validates, so the schema and report-types.ts cannot drift apart unseen.

import * as z from 'zod';
import { REPORT_SCHEMA_VERSION } from './report-types.js';

const count = z.number().int().nonnegative();
const nullableNumber = z.number().nullable();

const LatencyFiguresSchema = z.object({
  p50: nullableNumber,
  p90: nullableNumber,
  p99: nullableNumber,
  p999: nullableNumber,
  max: nullableNumber,
  mean: nullableNumber,
  count,
  unit: z.literal('ms'),
  resolutionMs: z.number().optional(),
  histogram: z.string(),
});

const LatencyByScopeSchema = z.object({
  all: LatencyFiguresSchema,
  anonymous: LatencyFiguresSchema,
  identified: LatencyFiguresSchema,
});

const ClassTotalsSchema = z.object({
  planned: count,
  sent: count,
  acknowledged: count,
  rejected: count,
  dropped: count,
  failed: count,
  visible: count,
  lost: count,
  unverified: count,
  duplicates: count,
  visibleUnacknowledged: count,
  rate: z.object({ target: z.number(), achieved: z.number() }),
});

const BudgetLimitsSchema = z.object({
  perMinute: nullableNumber,
  perHour: nullableNumber,
  concurrent: z.number(),
});

const ObservationSummarySchema = z.object({
  method: z.enum(['exact', 'counts']),
  methodReason: z.string().optional(),
  counts: z.looseObject({ bucketMs: z.number(), rowsFetched: count }).optional(),
  pollIntervalMs: z.number(),
  requestedPollIntervalMs: z.number(),
  pollStretch: z.string().nullable(),
  resolutionMs: z.number(),
  polls: count,
  queries: count,
  throttled: count,
  errors: count,
  drained: z.boolean(),
  drainTimeoutMs: z.number(),
  seenAsStragglers: count,
  foreignUuids: count,
  countsSource: z.enum(['query', 'poller']),
  endReason: z.enum([
    'drained',
    'drain timeout',
    'stopped',
    'query budget exhausted',
    'query API unreachable',
    'query refused',
    'query API refusing',
  ]),
  endDetail: z.string().nullable(),
  complete: z.boolean(),
  budget: z.object({
    perMinute: nullableNumber,
    perHour: nullableNumber,
    concurrent: z.number(),
    peakPerMinute: z.number(),
    peakPerHour: z.number(),
    shard: z.object({ index: z.number(), count: z.number(), key: BudgetLimitsSchema }).optional(),
    summedPeaks: z
      .object({ shards: count, perMinuteAtLeast: z.number(), perHourAtLeast: z.number() })
      .optional(),
  }),
  rowsRead: count,
  pages: count,
});

const RunInfoSchema = z.object({
  id: z.string(),
  scenario: z.object({ name: z.string(), file: z.string() }),
  target: z.object({
    kind: z.string(),
    captureUrl: z.string(),
    queryUrl: z.string(),
    projectId: z.string(),
  }),
  startedAt: z.string(),
  endedAt: z.string(),
  seed: z.number(),
  workers: z.number().int().positive(),
  partial: z.boolean(),
  ingestbenchVersion: z.string(),
  node: z.string(),
  plan: z.object({
    planned: count,
    durationMs: z.number(),
    targetRate: z.number(),
    fullSpeed: z.boolean(),
  }),
  stop: z
    .object({ reason: z.enum(['interrupted', 'load-failed', 'target-lost']), detail: z.string() })
    .nullable(),
  shard: z.looseObject({ index: z.number().int(), count: z.number().int(), runId: z.string() }).optional(),
  merged: z
    .object({
      count: z.number().int(),
      present: z.array(z.number().int()),
      missing: z.array(z.number().int()),
      partial: z.array(z.number().int()),
    })
    .optional(),
});

const SlaResultSchema = z.object({
  check: z.string(),
  metric: z.string(),
  op: z.string(),
  threshold: z.number(),
  value: nullableNumber,
  pass: z.boolean(),
  unit: z.string(),
  detail: z.string(),
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  run: RunInfoSchema,
  totals: ClassTotalsSchema,
  classes: z.object({ anonymous: ClassTotalsSchema, identified: ClassTotalsSchema }),
  latency: z.object({
    ack: LatencyByScopeSchema,
    sendDelay: LatencyByScopeSchema,
    visible: LatencyByScopeSchema,
    created: LatencyByScopeSchema.optional(),
  }),
  timeline: z.array(z.looseObject({})),
  errors: z.record(z.string(), count),
  requests: z.object({ sent: count, ok: count, failed: count, retries: count }),
  observation: ObservationSummarySchema,
  sla: z.array(SlaResultSchema),
  verdict: z.enum(['pass', 'fail']),
  cost: z.looseObject({}).nullable(),
  lagTrend: z.looseObject({}),
  clockSkew: z.looseObject({}),
  preflight: z.object({ probeLatencyMs: z.number(), probesSent: count }).nullable(),
  workload: z.looseObject({}).optional(),
  notes: z.array(z.string()),
});

/** Where the published JSON Schema of report.json lives in the repository. */
export const REPORT_SCHEMA_PATH = 'schema/report.schema.json';

export function reportJsonSchema(): object {
  return z.toJSONSchema(ReportSchema, { io: 'output', target: 'draft-7', unrepresentable: 'any' });
}

/** The committed file's exact text: stable key order, two-space indent, final newline. */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
