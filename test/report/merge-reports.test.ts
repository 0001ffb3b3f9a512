// Merging shard reports, without sockets: counts are the exact sums of the shards', histograms
// merge losslessly (the merged percentiles are those of all values together, not an average of
// the shards' percentiles), the SLA is judged again on the merged figures, and a missing or
// partial shard is named and fails the merged verdict.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';
import { decodeHistogram } from '../../src/measure/latency-summary.js';
import { buildReport } from '../../src/report/build-report.js';
import { lagTrendLine } from '../../src/report/lag-trend-line.js';
import { mergeReports } from '../../src/report/merge-reports.js';
import type { Report } from '../../src/report/report-types.js';
import { SLA, countedShard, keySharedShards, schema2Shards, shardReport } from './merge-fixture.js';
import { fixtureInputs } from './report-fixture.js';

describe('mergeReports', () => {
  const shards = [1, 2, 3, 4].map((i) => shardReport(i, 4));
  const merged = mergeReports(shards);

  it('sums every count exactly, per class and in total', () => {
    for (const scope of ['totals', 'anonymous', 'identified'] as const) {
      const of = (r: Report) => (scope === 'totals' ? r.totals : r.classes[scope]);
      for (const field of [
        'planned',
        'sent',
        'acknowledged',
        'rejected',
        'dropped',
        'failed',
        'visible',
        'lost',
        'duplicates',
      ] as const) {
        assert.equal(
          of(merged)[field],
          shards.reduce((s, r) => s + of(r)[field], 0),
          `${scope}.${field}`,
        );
      }
      assert.equal(
        of(merged).rate.target,
        shards.reduce((s, r) => s + of(r).rate.target, 0),
      );
    }
    assert.equal(merged.requests.sent, 4 * shards[0]!.requests.sent);
    assert.deepEqual(
      merged.errors,
      Object.fromEntries(Object.entries(shards[0]!.errors).map(([k, v]) => [k, 4 * v])),
    );
    assert.equal(merged.timeline[5]!.sent, 4 * shards[0]!.timeline[5]!.sent);
    assert.equal(merged.run.plan.planned, 4 * shards[0]!.run.plan.planned);
    assert.equal(merged.run.id, 'nightly');
    assert.equal(merged.run.startedAt, shards[0]!.run.startedAt);
    assert.deepEqual(merged.run.merged, { count: 4, present: [1, 2, 3, 4], missing: [], partial: [] });
    assert.equal(merged.cost, null);
  });

  it('merges histograms losslessly and reads percentiles from the merged one', () => {
    const visible = merged.latency.visible.all;
    assert.equal(visible.count, 400);
    assert.equal(decodeHistogram(visible.histogram).totalCount, 400);
    // All 400 values together: the median lies between shard 2's and shard 3's values, the
    // p99 inside shard 4's; an average of the shards' percentiles would say something else.
    assert.ok(visible.p50! >= 2990 && visible.p50! <= 3000, `p50 ${visible.p50}`);
    assert.ok(visible.p99! >= 4950 && visible.p99! <= 4995, `p99 ${visible.p99}`);
    assert.equal(visible.resolutionMs, 1004, 'the coarsest shard resolution');
    for (const metric of ['ack', 'sendDelay'] as const) {
      assert.equal(merged.latency[metric].all.count, 4 * shards[0]!.latency[metric].all.count);
      const expected = latencyHistogram();
      for (const s of shards) expected.add(decodeHistogram(s.latency[metric].all.histogram));
      assert.equal(merged.latency[metric].all.max, Math.round(expected.maxValue) / 1000);
    }
    assert.equal(merged.latency.created?.all.count, 4 * shards[0]!.latency.created!.all.count);
  });

  it('judges the SLA again on the merged figures', () => {
    const sentCheck = (r: Report) => r.sla.find((c) => c.check === 'sent <= 150')!;
    for (const s of shards) assert.equal(sentCheck(s).pass, true, 'each shard sends at most 150');
    assert.equal(sentCheck(merged).pass, false, 'the four together send more');
    assert.equal(sentCheck(merged).value, merged.totals.sent);
    assert.deepEqual(
      merged.sla.map((r) => r.check),
      SLA,
    );
    assert.equal(merged.verdict, 'fail');
  });

  it('names a missing shard and a partial one, and fails', () => {
    const incomplete = mergeReports([shards[0]!, shardReport(3, 4, { partial: true })]);
    assert.deepEqual(incomplete.run.merged, { count: 4, present: [1, 3], missing: [2, 4], partial: [3] });
    assert.equal(incomplete.run.partial, true);
    assert.equal(incomplete.verdict, 'fail');
    const missing = incomplete.sla.find((r) => r.metric === 'shards.missing')!;
    assert.equal(missing.pass, false);
    assert.match(missing.detail, /shard 2\/4, 4\/4/);
    assert.match(incomplete.sla.find((r) => r.metric === 'shards.partial')!.detail, /shard 3\/4/);
  });

  it('refuses reports of other runs, a shard twice and reports that are not shards', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof IngestbenchError);
        return error.code;
      }
      return 'no error';
    };
    assert.equal(
      code(() => mergeReports([shards[0]!, shardReport(2, 4, { runId: 'other' })])),
      'USAGE',
    );
    assert.equal(
      code(() => mergeReports([shards[0]!, shardReport(2, 3)])),
      'USAGE',
    );
    assert.equal(
      code(() => mergeReports([shards[0]!, shards[0]!])),
      'USAGE',
    );
    assert.equal(
      code(() => mergeReports([buildReport(fixtureInputs())])),
      'USAGE',
    );
    assert.equal(
      code(() => mergeReports([])),
      'USAGE',
    );
    const otherScenario = {
      ...shards[1]!,
      run: { ...shards[1]!.run, scenario: { name: 'other', file: 'other.yaml' } },
    };
    assert.equal(
      code(() => mergeReports([shards[0]!, otherScenario])),
      'USAGE',
    );
    const otherSla = { ...shards[1]!, sla: shards[1]!.sla.slice(1) };
    assert.equal(
      code(() => mergeReports([shards[0]!, otherSla])),
      'USAGE',
    );
  });
});

describe('mergeReports: the fields of report schema 2', () => {
  const one = shardReport(1, 2);
  // Shard 2: no latencies in second 5 (so shard 1's are that second's, exactly), 3 unverified
  // events after its query budget ran out, clock skew, a stretched poll interval, a note; shard 1
  // with clock skew and a slower probe.
  const { one: oneSkewed, two } = schema2Shards();
  const merged = mergeReports([oneSkewed, two]);

  it('sums unverified and judges observation complete again on the merged total', () => {
    assert.equal(merged.totals.unverified, 3);
    assert.equal(merged.classes.anonymous.unverified, 3);
    const check = merged.sla.find((r) => r.check === 'observation complete')!;
    assert.equal(check.pass, false);
    assert.equal(check.value, 3);
    assert.match(check.detail, /shard 2\/2: query budget exhausted/);
    assert.equal(merged.verdict, 'fail');
  });

  it('sums timeline counts per class; per-second percentiles are exact or null', () => {
    const at = (r: Report, second: number) => r.timeline.find((s) => s.second === second)!;
    for (const second of [3, 5, 8]) {
      for (const cls of ['anonymous', 'identified'] as const) {
        for (const field of ['sent', 'acknowledged', 'visible', 'latencyCount'] as const) {
          assert.equal(
            at(merged, second).classes[cls][field],
            at(oneSkewed, second).classes[cls][field] + at(two, second).classes[cls][field],
            `${second}.${cls}.${field}`,
          );
        }
      }
    }
    const only = at(oneSkewed, 5).classes.anonymous;
    assert.ok(only.visibleP50 !== null && only.latencyCount > 0);
    assert.equal(at(merged, 5).classes.anonymous.visibleP50, only.visibleP50, 'one shard alone: exact');
    assert.equal(at(merged, 5).classes.anonymous.visibleP99, only.visibleP99);
    assert.ok(at(two, 8).classes.anonymous.latencyCount > 0);
    assert.equal(at(merged, 8).classes.anonymous.visibleP50, null, 'two shards: not summable');
    assert.equal(at(merged, 8).classes.anonymous.visibleP99, null);
    assert.ok(merged.notes.some((n) => n.includes('per-second visible p50/p99')));
  });

  it('does not refit the lag trend over several shards, and lists theirs', () => {
    for (const cls of ['anonymous', 'identified'] as const) {
      assert.deepEqual(merged.lagTrend.classes[cls], {
        p50MsPerMinute: null,
        p50ChangeMs: null,
        points: 0,
        direction: null,
      });
    }
    assert.equal(merged.lagTrend.window, one.lagTrend.window);
    const note = merged.notes.find((n) => n.includes('lag trend'))!;
    assert.match(note, /shard 1\/2: anonymous /);
    assert.match(note, /shard 2\/2: anonymous /);
    assert.match(lagTrendLine(merged), /not fitted for a merged run/);
    // A merge of one shard keeps its trend (and its timeline) as they are.
    const single = mergeReports([one]);
    assert.deepEqual(single.lagTrend, one.lagTrend);
    assert.deepEqual(single.timeline, one.timeline);
  });

  it('merges clock skew, observation, preflight and notes', () => {
    assert.deepEqual(merged.clockSkew.created, { count: 5, worstMs: -9 });
    assert.equal(merged.observation.complete, false);
    assert.equal(merged.observation.endReason, 'query budget exhausted');
    // Every shard that did not drain is named: the fixture's observation ran to its drain timeout.
    assert.equal(one.observation.endReason, 'drain timeout');
    assert.equal(
      merged.observation.endDetail,
      'shard 1/2: drain timeout; shard 2/2: query budget exhausted (2,400 queries/hour used)',
    );
    assert.equal(merged.observation.pollStretch, 'shard 2/2: to fit 2,400 queries/hour');
    assert.equal(merged.observation.pollIntervalMs, 3000);
    assert.equal(merged.observation.polls, one.observation.polls + two.observation.polls);
    assert.equal(merged.observation.rowsRead, one.observation.rowsRead + two.observation.rowsRead);
    assert.equal(
      merged.observation.budget.peakPerMinute,
      one.observation.budget.peakPerMinute + two.observation.budget.peakPerMinute,
    );
    assert.deepEqual(merged.preflight, { probeLatencyMs: 1200, probesSent: 3 });
    assert.equal(merged.notes[0], 'shard 2/2: no cost figures: the metrics scrape failed');
    assert.equal(merged.run.stop, null);
  });

  it("gives the key's limits for shards that spent shares of one key's budget, and the peaks as bounds", () => {
    const key = { perMinute: 240, perHour: 2400, concurrent: 3 };
    // Each of 4 shards spent 1/4 of the key's budget (60/min, 600/hour, 1 at once), peaks 10·i and 100·i.
    const sharded = keySharedShards();
    const budget = mergeReports(sharded).observation.budget;
    assert.deepEqual(budget, {
      ...key,
      peakPerMinute: 10 + 20 + 30 + 40,
      peakPerHour: 100 + 200 + 300 + 400,
      summedPeaks: { shards: 4, perMinuteAtLeast: 40, perHourAtLeast: 400 },
    });
    // Reports of shards that each had a budget of their own (no share recorded): their limits add.
    const own = mergeReports([1, 2].map((i) => shardReport(i, 2))).observation.budget;
    assert.deepEqual([own.perMinute, own.perHour, own.concurrent], [480, 4800, 6]);
  });

  it('names a stopped shard in run.stop and fails the merge as partial', () => {
    const stopped: Report = {
      ...one,
      run: { ...one.run, partial: true, stop: { reason: 'interrupted', detail: 'SIGINT' } },
    };
    const m = mergeReports([stopped, shardReport(2, 2)]);
    assert.deepEqual(m.run.stop, { reason: 'interrupted', detail: 'shard 1/2: interrupted: SIGINT' });
    assert.equal(m.run.partial, true);
    assert.deepEqual(m.run.merged?.partial, [1]);
    assert.equal(m.verdict, 'fail');
  });

  it('keeps the shards’ method; shards that differ are named, and counts figures are summed', () => {
    const counted = countedShard;
    const [a, b] = [shardReport(1, 2), shardReport(2, 2)];
    const both = mergeReports([counted(a, 2, null), counted(b, 3, 'the drill-down budget ran out')]);
    assert.equal(both.observation.method, 'counts');
    assert.equal(both.observation.methodReason, 'auto: exact polls would fetch too many rows');
    assert.deepEqual(
      { ...both.observation.counts!.drillDown, lost: both.observation.counts!.drillDown.lost.length },
      {
        shortBuckets: 5,
        bucketsRead: 5,
        queries: 7,
        named: 5,
        unnamed: 0,
        lost: 5,
        note: 'shard 2/2: the drill-down budget ran out',
      },
    );
    assert.equal(both.observation.counts!.rowsFetched, 500);

    const exact = mergeReports([a, b]);
    assert.equal(exact.observation.method, 'exact');
    assert.equal(exact.observation.counts, undefined);

    const mixed = mergeReports([a, counted(b, 1, null)]);
    assert.equal(mixed.observation.method, 'counts');
    assert.match(
      mixed.observation.methodReason!,
      /^shard 1\/2: exact \(.*\); shard 2\/2: counts \(auto: exact polls/,
    );
    assert.equal(mixed.observation.counts!.drillDown.named, 1);
  });
});
