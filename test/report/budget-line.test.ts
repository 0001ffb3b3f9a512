// The query budget in a report's summary: a shard's report says it spent its share of the key's
// budget and which, a merged report gives the key's limits with the busiest windows as bounds, and a
// deployment without a window reads "unlimited" (issue 13: one budget per key).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport } from '../../src/report/build-report.js';
import type { Report } from '../../src/report/report-types.js';
import { renderSummary } from '../../src/report/render-summary.js';
import { fixtureInputs } from './report-fixture.js';

describe('the query budget line of a report', () => {
  it("a shard's report: its share of the key's budget, and the key's limits", () => {
    const inputs = fixtureInputs();
    const report = buildReport({
      ...inputs,
      observation: {
        ...inputs.observation,
        budget: {
          limits: { perMinute: 60, perHour: 600, concurrent: 1 },
          peakPerMinute: 41,
          peakPerHour: 44,
        },
      },
      budgetShard: { index: 2, count: 4, key: { perMinute: 240, perHour: 2400, concurrent: 3 } },
    });
    assert.deepEqual(report.observation.budget.shard, {
      index: 2,
      count: 4,
      key: { perMinute: 240, perHour: 2400, concurrent: 3 },
    });
    const summary = renderSummary(report);
    assert.ok(
      summary.includes(
        "budget used: 41 of 60/min, 44 of 600/hour (shard 2/4's share, 1/4 of the key's 240/min, 2,400/hour, 3 at once)",
      ),
      summary,
    );
  });

  it("a merged report: the shards' queries against the key's limits, the busiest windows as bounds", () => {
    const single = buildReport(fixtureInputs());
    const merged: Report = {
      ...single,
      observation: {
        ...single.observation,
        budget: {
          perMinute: 240,
          perHour: 2400,
          concurrent: 3,
          peakPerMinute: 164,
          peakPerHour: 176,
          summedPeaks: { shards: 4, perMinuteAtLeast: 41, perHourAtLeast: 44 },
        },
      },
    };
    const summary = renderSummary(merged);
    assert.ok(
      summary.includes(
        "budget used by 4 shards: busiest minute 41 to 164 of 240/min, busiest hour 44 to 176 of 2,400/hour (the busiest shard's peak to the sum of the shards' peaks)",
      ),
      summary,
    );
  });

  it('a deployment without a minute or an hour window reads "unlimited"', () => {
    const inputs = fixtureInputs();
    const report = buildReport({
      ...inputs,
      observation: {
        ...inputs.observation,
        budget: {
          limits: { perMinute: Infinity, perHour: Infinity, concurrent: 3 },
          peakPerMinute: 60,
          peakPerHour: 44,
        },
      },
    });
    assert.deepEqual([report.observation.budget.perMinute, report.observation.budget.perHour], [null, null]);
    assert.ok(renderSummary(report).includes('budget used: 60 of unlimited/min, 44 of unlimited/hour'));
  });
});
