// compare, without sockets: a report against itself passes; latencies are read from the encoded
// histograms (the stored percentiles are ignored); an increase within the visible resolution is
// noise, beyond the limit a regression; loss and achieved rate are judged in percentage points;
// --max-regression overrides, per class or for all, and `off` drops a check.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { IngestbenchError } from '../../src/errors.js';
import { latencyHistogram } from '../../src/core/latency-histogram.js';
import { buildReport } from '../../src/report/build-report.js';
import { compareReports } from '../../src/report/compare-reports.js';
import { parseReport } from '../../src/report/read-report.js';
import { parseRegressionLimit, resolveRegressionLimits } from '../../src/report/regression-limits.js';
import { renderComparison } from '../../src/report/render-comparison.js';
import { REPORT_SCHEMA_VERSION, type LatencyFigures, type Report } from '../../src/report/report-types.js';
import { fixtureInputs } from './report-fixture.js';

const base = buildReport(fixtureInputs());

/** A visible figure whose histogram holds 100 values of `ms`, and stored percentiles that lie. */
function visibleAt(ms: number, resolutionMs = 1000): LatencyFigures {
  const h = latencyHistogram();
  h.recordValueWithCount(ms * 1000, 100);
  return {
    p50: 1,
    p90: 1,
    p99: 1,
    p999: 1,
    max: 1,
    mean: 1,
    count: 100,
    unit: 'ms',
    resolutionMs,
    histogram: encodeIntoCompressedBase64(h),
  };
}

function withVisible(report: Report, ms: number, resolutionMs = 1000): Report {
  const v = visibleAt(ms, resolutionMs);
  return { ...report, latency: { ...report.latency, visible: { all: v, anonymous: v, identified: v } } };
}

/** HDR histograms keep 3 significant digits: values read back within 0.1%. */
const near = (actual: number | null, expected: number, what: string): void =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= expected * 0.001,
    `${what}: ${actual} ≈ ${expected}`,
  );

const row = (c: ReturnType<typeof compareReports>, metric: string) =>
  c.rows.find((r) => r.metric === metric)!;

describe('compareReports', () => {
  const limits = resolveRegressionLimits();

  it('passes a report compared with itself', () => {
    const c = compareReports(base, base, limits);
    assert.equal(c.verdict, 'pass');
    assert.equal(c.regressions.length, 0);
    assert.ok(c.rows.every((r) => r.change === null || r.change === 0));
    // ack moves with the generator's own scheduling: shown, judged only when asked for.
    assert.equal(row(c, 'ack.p99').status, 'not judged');
    const asked = compareReports(base, base, resolveRegressionLimits(['ack.p99=25%']));
    assert.equal(row(asked, 'ack.p99').status, 'ok');
  });

  it('reads latencies from the histograms, and flags an increase beyond limit and resolution', () => {
    const baseline = withVisible(base, 2000);
    const c = compareReports(baseline, withVisible(base, 5000), limits);
    assert.equal(c.verdict, 'regression');
    const p99 = row(c, 'visible.p99');
    near(p99.baseline, 2000, 'from the histogram, not the stored p99 of 1 ms');
    near(p99.candidate, 5000, 'candidate');
    near(p99.change, 3000, 'change');
    assert.equal(p99.allowed, 1000, '10% of 2 s is below the 1 s resolution');
    assert.equal(p99.status, 'regression');
    for (const m of ['anonymous.visible.p99', 'identified.visible.p99', 'visible.p50']) {
      assert.equal(row(c, m).status, 'regression', m);
    }
  });

  it('calls an increase within the visible resolution noise', () => {
    const c = compareReports(withVisible(base, 2000, 1000), withVisible(base, 2900, 1000), limits);
    assert.equal(row(c, 'visible.p99').status, 'ok');
    assert.equal(c.verdict, 'pass');
    // With a finer resolution the same increase is a regression (10% of 2 s = 200 ms).
    const fine = compareReports(withVisible(base, 2000, 100), withVisible(base, 2900, 100), limits);
    near(row(fine, 'visible.p99').allowed, 200, 'allowed');
    assert.equal(row(fine, 'visible.p99').status, 'regression');
  });

  it('judges loss and the achieved rate in percentage points', () => {
    const lossy: Report = {
      ...base,
      totals: { ...base.totals, lost: base.totals.lost + 5 },
    };
    const c = compareReports(base, lossy, limits);
    assert.equal(row(c, 'lost_share').status, 'regression');
    const slower: Report = {
      ...base,
      totals: {
        ...base.totals,
        rate: { target: base.totals.rate.target, achieved: base.totals.rate.achieved * 0.9 },
      },
    };
    const r = compareReports(base, slower, limits);
    // The share of the target rate falls 10 points: beyond the default 2 points.
    assert.equal(row(r, 'rate.achieved_share').status, 'regression');
    near(row(r, 'rate.achieved_share').allowed, 0.02, 'allowed share');
    // rate.achieved is events/s: shown, not judged by default.
    assert.equal(row(r, 'rate.achieved').unit, 'eps');
    near(row(r, 'rate.achieved').candidate, base.totals.rate.achieved * 0.9, 'events/s');
    assert.equal(row(r, 'rate.achieved').status, 'not judged');
    assert.equal(compareReports(slower, base, limits).verdict, 'pass', 'faster is no regression');
    assert.equal(row(compareReports(slower, base, limits), 'rate.achieved_share').status, 'improved');
    const eps = resolveRegressionLimits(['rate.achieved=5%']);
    assert.equal(row(compareReports(base, slower, eps), 'rate.achieved').status, 'regression');
  });

  it('judges a rise in unverified events like loss, and notes them', () => {
    const unchecked: Report = {
      ...base,
      totals: { ...base.totals, unverified: base.totals.unverified + 3 },
      observation: { ...base.observation, endReason: 'query budget exhausted', complete: false },
    };
    const c = compareReports(base, unchecked, limits);
    assert.equal(row(c, 'unverified').baseline, base.totals.unverified);
    assert.equal(row(c, 'unverified').candidate, base.totals.unverified + 3);
    assert.equal(row(c, 'unverified').status, 'regression');
    assert.equal(c.verdict, 'regression');
    assert.ok(
      c.notes.some(
        (n) => n.includes('candidate run has 3 unverified events') && n.includes('query budget exhausted'),
      ),
      c.notes.join('\n'),
    );
    const loose = resolveRegressionLimits(['unverified=5']);
    assert.equal(row(compareReports(base, unchecked, loose), 'unverified').status, 'ok');
  });

  it('applies --max-regression: unprefixed for every class, prefixed for one, off drops a check', () => {
    const baseline = withVisible(base, 10_000, 100);
    const candidate = withVisible(base, 11_500, 100); // +15%
    assert.equal(row(compareReports(baseline, candidate, limits), 'visible.p99').status, 'regression');
    const loose = resolveRegressionLimits([
      'visible.p99=20%',
      'identified.visible.p99=5%',
      'visible.p50=off',
    ]);
    const c = compareReports(baseline, candidate, loose);
    assert.equal(row(c, 'visible.p99').status, 'ok');
    assert.equal(row(c, 'anonymous.visible.p99').status, 'ok');
    assert.equal(row(c, 'identified.visible.p99').status, 'regression');
    assert.equal(row(c, 'visible.p50').status, 'not judged');
    assert.deepEqual(
      c.regressions.map((r) => r.metric),
      ['identified.visible.p99'],
    );
    const absolute = resolveRegressionLimits(['visible.p99=2s']);
    assert.equal(row(compareReports(baseline, candidate, absolute), 'visible.p99').status, 'ok');
  });

  it('renders a Markdown table per class with the verdict', () => {
    const md = renderComparison(compareReports(withVisible(base, 2000), withVisible(base, 5000), limits));
    assert.match(md, /^## ingestbench compare: ❌ \d+ regressions/);
    assert.match(
      md,
      /### All events\n\n\| metric \| baseline \| candidate \| change \| allowed \| result \|/,
    );
    assert.match(md, /### Anonymous events/);
    assert.match(
      md,
      /\| visible\.p99 \| 2\.00 s \| 5\.00 s \| \+3\.00 s \| \+1\.00 s \(resolution\) \| ❌ regression \|/,
    );
    assert.doesNotMatch(md, /<script>/, 'scenario names are escaped');
  });
});

describe('parseRegressionLimit', () => {
  it('reads limits in the unit of the metric', () => {
    assert.deepEqual(parseRegressionLimit('visible.p99=10%'), [
      'visible.p99',
      { kind: 'relative', value: 0.1, source: '10%' },
    ]);
    assert.deepEqual(parseRegressionLimit('ack.p99=250ms')[1], {
      kind: 'absolute',
      value: 250,
      source: '250ms',
    });
    assert.deepEqual(parseRegressionLimit('lost_share=0.1%')[1], {
      kind: 'absolute',
      value: 0.001,
      source: '0.1%',
    });
    assert.deepEqual(parseRegressionLimit('duplicates=0')[1], { kind: 'absolute', value: 0, source: '0' });
    // A share's former name (a count over a count is not a rate) names the same metric.
    assert.deepEqual(parseRegressionLimit('anonymous.lost_rate=0.1%'), [
      'anonymous.lost_share',
      { kind: 'absolute', value: 0.001, source: '0.1%' },
    ]);
    assert.deepEqual(parseRegressionLimit('capture.error_rate=off'), ['capture.error_share', null]);
    assert.deepEqual(parseRegressionLimit('rate.achieved=off'), ['rate.achieved', null]);
    assert.deepEqual(parseRegressionLimit('rate.achieved_share=2%')[1], {
      kind: 'absolute',
      value: 0.02,
      source: '2%',
    });
    assert.deepEqual(parseRegressionLimit('rate.achieved=100')[1], {
      kind: 'absolute',
      value: 100,
      source: '100',
    });
  });

  it('refuses unknown metrics, neutral counts and limits that do not fit', () => {
    for (const bad of [
      'visible.p98=10%',
      'visible=10%',
      'sent=5',
      'visible.p99=5',
      'lost_share=2',
      'visible.p99',
      'rate.achieved_eps=5%',
    ]) {
      assert.throws(
        () => parseRegressionLimit(bad),
        (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE',
        bad,
      );
    }
  });
});

describe('parseReport', () => {
  it(`reads only reports of schema version ${REPORT_SCHEMA_VERSION}`, () => {
    assert.equal(parseReport(JSON.stringify(base), 'a.json').run.id, base.run.id);
    const other = JSON.stringify({ ...base, schemaVersion: REPORT_SCHEMA_VERSION + 1 });
    assert.throws(
      () => parseReport(other, 'b.json'),
      (e: unknown) =>
        e instanceof IngestbenchError &&
        e.code === 'USAGE' &&
        e.message.includes(`schemaVersion ${REPORT_SCHEMA_VERSION + 1}`) &&
        e.message.includes(`reads version ${REPORT_SCHEMA_VERSION}`),
    );
    assert.throws(() => parseReport('{"hello":1}', 'c.json'), /no schemaVersion/);
    assert.throws(() => parseReport('not json', 'd.json'), /not JSON/);
  });
});
