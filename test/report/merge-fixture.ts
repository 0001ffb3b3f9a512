// Shard reports for the merge tests, without sockets: buildReport's fixture run as shard i of n,
// with its own visible latencies (shard i's 100 values from i·1000 ms up, so shards do not
// overlap) and the SLA judged on its own figures. `mergeCases()` names every merge the merge
// tests make, so merge-rules.test.ts can hold them against the merge's recorded output.

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';
import { buildReport } from '../../src/report/build-report.js';
import { metricLookup } from '../../src/report/report-metrics.js';
import type { LatencyFigures, Report } from '../../src/report/report-types.js';
import { evaluateSla } from '../../src/verdict/evaluate-sla.js';
import { judgeRun, runCompletedCheck } from '../../src/verdict/judge-run.js';
import { loadAppliedChecks } from '../../src/verdict/load-applied.js';
import { parseSlaExpression } from '../../src/scenario/parse-sla.js';
import { fixtureInputs } from './report-fixture.js';

export const SLA = ['sent <= 150', 'visible.p99 < 30s', 'lost_share < 5%'];

/** Visible latencies of shard i: 100 values from i·1000 ms up, so the shards do not overlap. */
function visibleOf(index: number): LatencyFigures {
  const h = latencyHistogram();
  for (let k = 0; k < 100; k += 1) h.recordValue((index * 1000 + k * 10) * 1000);
  const encoded = encodeIntoCompressedBase64(h);
  return {
    p50: 0,
    p90: 0,
    p99: 0,
    p999: 0,
    max: 0,
    mean: 0,
    count: 100,
    unit: 'ms',
    resolutionMs: 1000 + index,
    histogram: encoded,
  };
}

export function shardReport(
  index: number,
  count: number,
  options: { runId?: string; partial?: boolean } = {},
): Report {
  // Versions fixed so that a recorded merge does not depend on the Node running the test.
  const base = buildReport({
    ...fixtureInputs(),
    runId: `nightly-shard-${index}-of-${count}`,
    ingestbenchVersion: '0.0.0-fixture',
    nodeVersion: 'v20.0.0-fixture',
  });
  const checks = SLA.map((s) => parseSlaExpression(s));
  const { results, verdict } = evaluateSla(checks, metricLookup(base));
  const visible = visibleOf(index);
  return {
    ...base,
    run: {
      ...base.run,
      partial: options.partial ?? false,
      startedAt: new Date(Date.UTC(2026, 10, 30, 10, 0, index)).toISOString(),
      shard: { index, count, runId: options.runId ?? 'nightly' },
    },
    latency: {
      ...base.latency,
      visible: { all: visible, anonymous: visible, identified: visibleOf(index + 10) },
    },
    sla: results,
    verdict,
  };
}

/** Shard 2 of 2 with what schema 2 added: unverified events, a null second, clock skew, a stretch. */
export function schema2Shards(): { one: Report; two: Report } {
  const one = shardReport(1, 2);
  const base2 = shardReport(2, 2);
  const two: Report = {
    ...base2,
    totals: { ...base2.totals, unverified: 3 },
    classes: { ...base2.classes, anonymous: { ...base2.classes.anonymous, unverified: 3 } },
    timeline: base2.timeline.map((s) =>
      s.second === 5
        ? {
            ...s,
            classes: {
              ...s.classes,
              anonymous: { ...s.classes.anonymous, visibleP50: null, visibleP99: null, latencyCount: 0 },
            },
          }
        : s,
    ),
    clockSkew: { ...base2.clockSkew, created: { count: 3, worstMs: -9 } },
    observation: {
      ...base2.observation,
      endReason: 'query budget exhausted',
      endDetail: '2,400 queries/hour used',
      complete: false,
      pollStretch: 'to fit 2,400 queries/hour',
      pollIntervalMs: 3000,
    },
    preflight: { probeLatencyMs: 900, probesSent: 2 },
    notes: ['no cost figures: the metrics scrape failed'],
  };
  const oneSkewed: Report = {
    ...one,
    clockSkew: { ...one.clockSkew, created: { count: 2, worstMs: -5 } },
    preflight: { probeLatencyMs: 1200, probesSent: 1 },
  };
  return { one: oneSkewed, two };
}

/** A shard observed by counts, naming `named` lost events. */
export function countedShard(r: Report, named: number, note: string | null): Report {
  return {
    ...r,
    observation: {
      ...r.observation,
      method: 'counts',
      methodReason: 'auto: exact polls would fetch too many rows',
      counts: {
        bucketMs: 1000,
        rowsFetched: 100 * named,
        drillDown: {
          shortBuckets: named,
          bucketsRead: named,
          queries: named + 1,
          named,
          unnamed: 0,
          lost: Array.from({ length: named }, (_, seq) => ({
            uuid: `uuid-${r.run.shard?.index}-${seq}`,
            worker: 0,
            seq,
            globalSeq: seq * 2 + (r.run.shard!.index - 1),
            intendedAt: '2026-11-30T10:00:00.000Z',
          })),
          note,
        },
      },
    },
  };
}

/** Shards that each spent 1/4 of one key's budget. */
export function keySharedShards(): Report[] {
  const key = { perMinute: 240, perHour: 2400, concurrent: 3 };
  return [1, 2, 3, 4].map((i) => {
    const r = shardReport(i, 4);
    return {
      ...r,
      observation: {
        ...r.observation,
        budget: {
          perMinute: 60,
          perHour: 600,
          concurrent: 1,
          peakPerMinute: 10 * i,
          peakPerHour: 100 * i,
          shard: { index: i, count: 4, key },
        },
      },
    };
  });
}

/**
 * Shards judged as a run judges them (run-scenario.ts): the scenario's checks, the load-applied
 * ones, and the outcomes judgeRun adds: shard 1 stopped (run completed), shard 2's observation
 * ended early (observation complete). A merge judges the checks again and adds its own outcomes.
 */
export function judgedShards(): Report[] {
  const { one, two } = schema2Shards();
  const checks = [
    ...SLA.map((s) => parseSlaExpression(s)),
    parseSlaExpression('unverified == 0'),
    ...loadAppliedChecks({ maxDropped: 0.01, minAchieved: 0.99 }),
  ];
  const judged = (r: Report, incomplete: boolean): Report => {
    const stopped: Report = incomplete
      ? { ...r, run: { ...r.run, partial: true, stop: { reason: 'target-lost', detail: 'capture refused' } } }
      : r;
    const { sla, verdict } = judgeRun({
      checks,
      lookup: metricLookup(stopped),
      unverified: stopped.totals.unverified,
      observationEnd: stopped.observation.endDetail ?? stopped.observation.endReason,
      incomplete: incomplete ? [runCompletedCheck('target-lost: capture refused')] : [],
    });
    return { ...stopped, sla, verdict };
  };
  return [judged(one, true), judged(two, false)];
}

/** Every merge the merge tests make, by name: the shards given to mergeReports. */
export function mergeCases(): Record<string, Report[]> {
  const four = [1, 2, 3, 4].map((i) => shardReport(i, 4));
  const { one, two } = schema2Shards();
  const [a, b] = [shardReport(1, 2), shardReport(2, 2)];
  const stopped: Report = {
    ...a,
    run: { ...a.run, partial: true, stop: { reason: 'interrupted', detail: 'SIGINT' } },
  };
  return {
    'four shards': four,
    'a missing shard and a partial one': [four[0]!, shardReport(3, 4, { partial: true })],
    'schema 2 fields': [one, two],
    'one shard': [a],
    "one key's budget": keySharedShards(),
    'budgets of their own': [a, b],
    'a stopped shard': [stopped, b],
    'counts shards': [countedShard(a, 2, null), countedShard(b, 3, 'the drill-down budget ran out')],
    'exact and counts': [a, countedShard(b, 1, null)],
    'judged like a run': judgedShards(),
    'shards given out of order': [four[2]!, four[0]!, four[3]!, four[1]!],
  };
}
