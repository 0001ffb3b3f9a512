import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateSla } from '../../src/verdict/evaluate-sla.js';
import { loadAppliedChecks } from '../../src/verdict/load-applied.js';

describe('loadAppliedChecks', () => {
  const defaults = loadAppliedChecks({ maxDropped: 0.01, minAchieved: 0.99 });

  it('are two SLA checks on the catalogue: dropped_share and rate.achieved_share', () => {
    assert.deepEqual(
      defaults.map((c) => [c.source, c.metric, c.op, c.threshold]),
      [
        ['load applied: dropped_share <= 1%', 'dropped_share', '<=', 0.01],
        ['load applied: rate.achieved_share >= 99%', 'rate.achieved_share', '>=', 0.99],
      ],
    );
    assert.deepEqual(loadAppliedChecks(null), []);
  });

  it('fail a run that dropped its load or sent too slowly, pass one that applied it', () => {
    const judge = (dropped: number, achieved: number) =>
      evaluateSla(defaults, (m) =>
        m === 'dropped_share' ? dropped : m === 'rate.achieved_share' ? achieved : null,
      );
    assert.equal(judge(0, 1).verdict, 'pass');
    assert.equal(judge(0.01, 0.99).verdict, 'pass');
    // The run that prompted the check: 74 % of the planned events dropped.
    const overloaded = judge(0.74, 0.26);
    assert.equal(overloaded.verdict, 'fail');
    assert.deepEqual(
      overloaded.results.map((r) => r.pass),
      [false, false],
    );
    assert.equal(judge(0.005, 0.9).verdict, 'fail', 'a slow sender fails even without drops');
  });
});
