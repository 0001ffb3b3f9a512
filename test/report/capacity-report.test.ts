// The capacity report: capacity.* SLA checks judged on its figures, the JSON contract, and the
// summary, HTML and JUnit renderings carrying the figures (the knee marked, "at least" kept).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacityFigures, ClassCapacity } from '../../src/verdict/capacity-types.js';
import { DEFAULT_CRITERIA } from '../../src/verdict/judge-step.js';
import { buildCapacityReport, capacityMetricLookup } from '../../src/report/capacity-report.js';
import { renderCapacityHtml } from '../../src/report/render-capacity-html.js';
import { renderCapacitySummary } from '../../src/report/render-capacity-summary.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { parseSlaExpression } from '../../src/scenario/parse-sla.js';
import { measurement } from '../capacity/capacity-fixture.js';
import { testScenario } from '../generate/scenario-fixture.js';

function classCapacity(
  sustainable: number,
  failedAt: number | null,
  limitedBy: 'target' | 'generator',
): ClassCapacity {
  const step = (rate: number, pass: boolean) => ({
    ...measurement(rate),
    role: 'search' as const,
    pass,
    failedBy: pass ? null : ('target' as const),
    reasons: pass ? [] : ['lag grew by 2 s'],
  });
  return {
    sustainable,
    failedAt,
    limitedBy,
    resolved: failedAt !== null,
    generatorCeiling: 50_000,
    latency: [
      { share: 0.5, rate: sustainable / 2, visibleP50Ms: 200, visibleP99Ms: 400 },
      { share: 0.8, rate: sustainable * 0.8, visibleP50Ms: 250, visibleP99Ms: 500 },
      { share: 1, rate: sustainable, visibleP50Ms: 300, visibleP99Ms: 600 },
    ],
    cpuMicrosPerEvent: 10,
    processCpuMicrosPerEvent: 20,
    steps: [step(sustainable, true), ...(failedAt === null ? [] : [step(failedAt, false)])],
  };
}

const capacity: CapacityFigures = {
  queries: {
    sent: 310,
    throttled: 0,
    peakPerMinute: 118,
    peakPerHour: 310,
    perMinute: 240,
    perHour: 400,
    concurrent: 3,
  },
  classes: {
    anonymous: classCapacity(12_000, null, 'generator'),
    identified: classCapacity(4000, 4400, 'target'),
  },
  ratio: 3,
  ratioBound: 'atLeast',
  cpuRatio: 2.4,
  criteria: { ...DEFAULT_CRITERIA, visibleP99Ms: 5000 },
};

function report(sla: string[]) {
  const base = testScenario();
  return buildCapacityReport({
    runId: 'cap-1',
    scenario: { ...base, sla: sla.map(parseSlaExpression) },
    target: {
      kind: 'embedded',
      captureUrl: 'http://127.0.0.1:1',
      queryUrl: 'http://127.0.0.1:1',
      projectId: '1',
    },
    startedAt: Date.UTC(2026, 10, 30, 12),
    endedAt: Date.UTC(2026, 10, 30, 12, 5),
    seed: 1,
    partial: false,
    stepDurationMs: 30_000,
    classes: ['anonymous', 'identified'],
    targetCpus: '1',
    capacity,
  });
}

describe('capacity report', () => {
  it('judges capacity.* checks on its figures and leaves the other checks to the steps', () => {
    const r = report(['capacity.identified >= 5000/s', 'capacity.ratio <= 4', 'visible.p99 < 5s']);
    assert.deepEqual(
      r.sla.map((c) => [c.metric, c.value, c.pass]),
      [
        ['capacity.identified', 4000, false],
        ['capacity.ratio', 3, true],
      ],
    );
    assert.equal(r.verdict, 'fail');
    assert.equal(report(['capacity.anonymous >= 10000']).verdict, 'pass');
    const lookup = capacityMetricLookup({ ...capacity, classes: {} });
    assert.equal(lookup('capacity.anonymous'), null);
  });

  it('says how large an overload steps too short for their resolution can hide, and the cure', () => {
    // The fixture's steps: 3 s at a 250 ms resolution, a lag-growth limit of 500 ms (2 × 250 ms).
    const summary = renderCapacitySummary(report([]));
    assert.match(
      summary,
      /steps of 3\.00 s at a poll resolution of 250 ms see an overload only above 17%: .*--step-duration 5s or more sees 10%/,
    );
    assert.ok(renderCapacityHtml(report([])).includes('see an overload only above 17%'));
    // At 100 ms the limit is 10 % of the step: nothing to say.
    const fine = (c: ClassCapacity): ClassCapacity => ({
      ...c,
      steps: c.steps.map((s) => ({ ...s, resolutionMs: 100 })),
    });
    const r = report([]);
    const sharp = {
      ...r,
      capacity: {
        ...r.capacity,
        classes: {
          anonymous: fine(r.capacity.classes.anonymous!),
          identified: fine(r.capacity.classes.identified!),
        },
      },
    };
    assert.doesNotMatch(renderCapacitySummary(sharp), /see an overload only above/);
  });

  it("gives the whole search's queries against the key's minute and hour limits", () => {
    assert.match(
      renderCapacitySummary(report([])),
      /queries: 310 sent by the whole search \(0 throttled\); busiest minute 118 of 240, busiest hour 310 of 400 \(the personal API key's limits, one budget for every step\)/,
    );
    // A self-hosted deployment has neither window: no limit is shown as a number.
    const r = report([]);
    const unthrottled = {
      ...r,
      capacity: { ...r.capacity, queries: { ...r.capacity.queries, perMinute: null, perHour: null } },
    };
    assert.match(
      renderCapacitySummary(unthrottled),
      /busiest minute 118 of unlimited, busiest hour 310 of unlimited/,
    );
  });

  it('keeps the contract: kind, capacity.classes.*.{sustainable, failedAt, limitedBy, steps}, ratio', () => {
    const json = JSON.parse(JSON.stringify(report([]))) as Record<string, unknown> & {
      capacity: CapacityFigures;
    };
    assert.equal(json['kind'], 'capacity');
    assert.equal(json.capacity.classes.identified!.failedAt, 4400);
    assert.equal(json.capacity.classes.anonymous!.limitedBy, 'generator');
    assert.equal(json.capacity.classes.identified!.steps.length, 2);
    assert.equal(json.capacity.ratio, 3);
  });

  it('renders "at least" for a generator-limited class, the knee in the chart and the figures in JUnit', () => {
    const r = report(['capacity.ratio <= 4']);
    const summary = renderCapacitySummary(r);
    assert.match(summary, /anonymous\s+≥ 12,000\/s/);
    assert.match(summary, /identified\s+4,000\/s\s+4,400\/s\s+target/);
    assert.match(
      summary,
      /ratio anonymous ÷ identified: at least \(anonymous was limited by the generator\) 3\.00×/,
    );
    const html = renderCapacityHtml(r);
    assert.match(html, /identified knee 4,000\/s/);
    assert.match(html, /anonymous knee ≥ 12,000\/s/);
    assert.match(html, /<circle[^>]*fill="#d33"/, 'the failing step is a red dot');
    const junit = renderJunit(r, { 'capacity.identified': '4000' });
    assert.match(junit, /<property name="capacity.identified" value="4000"\/>/);
    assert.match(junit, /<testcase classname="ingestbench.sla" name="capacity.ratio &lt;= 4"\/>/);
  });
});
