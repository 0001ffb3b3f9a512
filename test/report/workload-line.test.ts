// The workload figure in the report and on the plan line: measured share beside the prediction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeScenario } from '../../src/cli/describe-scenario.js';
import { buildReport } from '../../src/report/build-report.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSummary } from '../../src/report/render-summary.js';
import type { WorkloadFigures } from '../../src/load/workload-skew.js';
import { testScenario } from '../generate/scenario-fixture.js';
import { fixtureInputs } from './report-fixture.js';

const workload: WorkloadFigures = {
  activity: 'zipf',
  exponent: 1.1,
  users: 10_000,
  topUsers: 100,
  events: 200_000,
  topShare: 0.6061,
  predictedTopShare: 0.606,
  sessions: { sessionIds: 4778, visits: 32_414, eventsPerSession: 41.86 },
};

describe('workload figures', () => {
  it('go from the load result into report.json and the summary, Markdown and HTML lines', () => {
    const inputs = fixtureInputs();
    const report = buildReport({ ...inputs, load: { ...inputs.load, workload } });
    assert.deepEqual(report.workload, workload);
    const line =
      'workload: users zipf 1.1, the top 1% (100 of 10,000 users) sent 60.6% of 200,000 generated events ' +
      '(the top 1% by zipf 1.1 weight: 60.6%); sessions: 4,778 session ids over 32,414 visits, 41.9 events per session id';
    assert.ok(renderSummary(report).includes(line), renderSummary(report));
    assert.ok(renderMarkdown(report).includes('the top 1% (100 of 10,000 users) sent 60.6%'));
    assert.ok(renderHtml(report).includes('the top 1% (100 of 10,000 users) sent 60.6%'));
    // A load without the figure (an older report, or one built without a load): no line, no field.
    const without = buildReport(inputs);
    assert.equal('workload' in without, false);
    assert.equal(renderSummary(without).includes('workload:'), false);
    assert.equal(renderHtml(without).includes('workload:'), false);
  });

  it('the plan line says how skewed the run is meant to be, and its sessions', () => {
    const text = describeScenario(
      testScenario({
        population: { size: 10_000, returningShare: 0, activity: { kind: 'zipf', exponent: 1.1 } },
        session: { idleTimeoutMs: 1_800_000, meanEvents: 8, meanThinkMs: 20_000, pageleave: true },
      }),
    );
    // One pool of 10,000: H(100, 1.1) / H(10,000, 1.1) = 64.8 %.
    assert.match(
      text,
      /activity {2}zipf 1\.1: the top 1% of users \(100\) predicted to send 64\.8% of events/,
    );
    assert.match(
      text,
      /sessions {2}visits of 8 events on average \(the last a \$pageleave\), think time 20\.0 s on average, session ids rotate after 30m 00s idle or 24h/,
    );
    assert.equal(describeScenario(testScenario()).includes('activity'), false);
  });
});
