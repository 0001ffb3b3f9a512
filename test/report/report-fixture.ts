// A finished run in miniature for the report tests: a ledger with known fates and first-seen
// times, load histograms with known values, an observation, and a target carrying secrets that
// must never reach any output.

import { encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import type { LoadPlan } from '../../src/load/plan-load.js';
import type { LoadResult } from '../../src/load/run-load.js';
import type { ExactObservation } from '../../src/observe/observation-result.js';
import type { ReportInputs } from '../../src/report/build-report.js';
import type { Scenario } from '../../src/scenario/scenario.js';

export const T0 = Date.UTC(2026, 10, 26, 7, 0, 0);
export const TOKEN = 'phc_fixture_project_token_SECRET';
export const PERSONAL_KEY = 'phx_fixture_personal_key_SECRET';

const encode = (h: Histogram): string => encodeIntoCompressedBase64(h);
function histogramOf(valuesMs: readonly number[]): Histogram {
  const h = latencyHistogram();
  for (const v of valuesMs) h.recordValue(Math.round(v * 1000));
  return h;
}

export const scenario: Scenario = {
  name: 'fixture <script>alert("x")</script> | pipes',
  description: 'report tests',
  source: '/tmp/scenarios/fixture.yaml',
  seed: 42,
  phases: [
    { name: 'warmup', kind: 'warmup', durationMs: 2000, fromRate: 10, toRate: 10, measured: false },
    { name: 'steady', kind: 'steady', durationMs: 10_000, fromRate: 10, toRate: 10, measured: true },
  ],
  batchSize: 10,
  compression: 'none',
  endpoint: '/batch/',
  population: { size: 100, returningShare: 0.5 },
  personProfiles: 'identified_only',
  behaviours: [],
  observation: {
    pollIntervalMs: 1000,
    queryBudgetPerMinute: 120,
    queryBudgetPerHour: 2400,
    maxConcurrentQueries: 3,
    drainTimeoutMs: 30_000,
  },
  sla: [],
  maxInFlight: 8,
  requestTimeoutMs: 5000,
  maxRetries: 2,
  preflight: { probeTimeoutMs: 120_000 },
  loadApplied: { maxDropped: 0.01, minAchieved: 0.99 },
};

/**
 * 120 planned events, one worker: seq < 20 warmup, the rest measured (100 = 10/s × 10 s).
 * Every 10th event identified. Visible latency = 1000 + seq ms; seq 51 and 53 lost (anonymous);
 * seq 62 rejected, seq 61 dropped (never sent).
 */
export function fixtureInputs(): ReportInputs & {
  target: ReportInputs['target'] & { token: string; personalKey: string };
} {
  const ledger = Ledger.allocate([120]);
  const shard = ledger.shard(0);
  for (let seq = 0; seq < 120; seq += 1) {
    shard.setIntended(seq, T0 + seq * 100);
    shard.flags[seq] = (seq % 10 === 0 ? LedgerFlag.identified : 0) | (seq >= 20 ? LedgerFlag.measured : 0);
    shard.status[seq] =
      seq === 62 ? EventStatus.rejected : seq === 61 ? EventStatus.dropped : EventStatus.acknowledged;
    if (shard.status[seq] === EventStatus.acknowledged) shard.setAck(seq, shard.intendedAt(seq) + 20);
    if (shard.status[seq] === EventStatus.acknowledged && seq !== 51 && seq !== 53) {
      shard.setVisible(seq, shard.intendedAt(seq) + 1000 + seq);
      shard.seen[seq] = 1;
    }
  }
  const ack = histogramOf([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]);
  const ackIdentified = histogramOf([1000]);
  const ackAnonymous = histogramOf([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const delay = histogramOf([1, 2, 3]);
  const load: LoadResult = {
    startedAt: T0,
    endedAt: T0 + 12_500,
    partial: false,
    failure: null,
    workersReadyAt: 1_700_000_000_300,
    counts: {
      anonymous: { planned: 108, sent: 106, acknowledged: 105, rejected: 1, dropped: 1, failed: 0 },
      identified: { planned: 12, sent: 12, acknowledged: 12, rejected: 0, dropped: 0, failed: 0 },
    },
    errors: { 'http_503 <b>': 2, timeout: 1 },
    retries: 2,
    requests: { sent: 15, ok: 12, failed: 3 },
    histograms: {
      ack: { all: encode(ack), anonymous: encode(ackAnonymous), identified: encode(ackIdentified) },
      sendDelay: { all: encode(delay), anonymous: encode(delay), identified: encode(histogramOf([5])) },
      skew: { ack: { count: 0, worstMs: null }, sendDelay: { count: 0, worstMs: null } },
    },
    timeline: Array.from({ length: 13 }, (_, second) => ({
      second,
      sent: 10,
      acknowledged: 10,
      errors: second === 6 ? 3 : 0,
    })),
  };
  const plan: LoadPlan = {
    runId: 'run-fixture',
    runTag: 1,
    startAtMs: T0,
    durationMs: 12_000,
    targetRate: 10,
    planned: 120,
    fullSpeed: false,
    workers: [{ worker: 0, seed: 1, rateShare: 1, capacity: 120 }],
  };
  const observation: ExactObservation = {
    method: 'exact',
    pollIntervalMs: 1000,
    requestedPollIntervalMs: 1000,
    pollStretch: null,
    resolutionMs: 1040,
    polls: 40,
    queries: 44,
    throttled: 1,
    errors: 0,
    rowsRead: 160,
    pages: 44,
    budget: { limits: { perMinute: 240, perHour: 2400, concurrent: 3 }, peakPerMinute: 60, peakPerHour: 44 },
    drained: false,
    endReason: 'drain timeout',
    endDetail: null,
    complete: true,
    pending: 2,
    unverified: 0,
    visible: 115,
    seenAsStragglers: 0,
    foreignUuids: 0,
    countsSource: 'query',
    perClass: { anonymous: { rows: 106, uuids: 104 }, identified: { rows: 11, uuids: 11 } },
    created: {
      all: encode(histogramOf([400, 800])),
      anonymous: encode(histogramOf([400])),
      identified: encode(histogramOf([800])),
    },
    startedAt: T0,
    endedAt: T0 + 45_000,
  };
  return {
    runId: 'run-fixture',
    scenario,
    target: {
      kind: 'posthog',
      captureUrl: `https://user:${TOKEN}@capture.example.test/?token=${TOKEN}`,
      queryUrl: `https://query.example.test/?key=${PERSONAL_KEY}`,
      projectId: '12',
      token: TOKEN,
      personalKey: PERSONAL_KEY,
    },
    plan,
    ledger,
    load,
    observation,
    partial: false,
    workers: 1,
    cost: {
      source: 'target-metrics',
      classes: {
        anonymous: { events: 4000, cpuSeconds: 1, cpuMicrosPerEvent: 250 },
        identified: { events: 1000, cpuSeconds: 1, cpuMicrosPerEvent: 1000 },
      },
      identifiedToAnonymousRatio: 4,
      processCpuSeconds: { capture: 3.5, ingestion: 2.25 },
    },
    ingestbenchVersion: '0.1.0-test',
    nodeVersion: 'v20.20.0',
  };
}
