import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateSla } from '../../src/verdict/evaluate-sla.js';
import { formatSlaValue } from '../../src/verdict/format-sla-value.js';
import { parseSlaExpression } from '../../src/scenario/parse-sla.js';

const checks = [
  'visible.p99 < 30s',
  'lost == 0',
  'capture.error_share < 0.1%',
  'rate.achieved_share >= 98%',
].map(parseSlaExpression);

function lookupFrom(values: Record<string, number | null>): (metric: string) => number | null {
  return (metric) => values[metric] ?? null;
}

describe('evaluateSla', () => {
  it('judges a check from an older report, which names a share by its former name, by the new name', () => {
    const old = { source: 'lost_rate < 1%', metric: 'lost_rate', op: '<', threshold: 0.01 } as const;
    const { results, verdict } = evaluateSla([old], lookupFrom({ lost_share: 0.02 }));
    assert.equal(verdict, 'fail');
    assert.equal(results[0]?.metric, 'lost_share');
    assert.equal(results[0]?.value, 0.02);
    assert.equal(results[0]?.unit, 'fraction');
    assert.equal(results[0]?.check, 'lost_rate < 1%');
  });

  it('passes when every check holds', () => {
    const { results, verdict } = evaluateSla(
      checks,
      lookupFrom({
        'visible.p99': 4_200,
        lost: 0,
        'capture.error_share': 0.0005,
        'rate.achieved_share': 0.99,
      }),
    );
    assert.equal(verdict, 'pass');
    assert.deepEqual(
      results.map((r) => r.pass),
      [true, true, true, true],
    );
    assert.deepEqual(results[0], {
      check: 'visible.p99 < 30s',
      metric: 'visible.p99',
      op: '<',
      threshold: 30_000,
      value: 4_200,
      pass: true,
      unit: 'ms',
      detail: 'visible.p99 = 4.2s, required < 30s: pass',
    });
  });

  it('fails on one broken check, and only that one', () => {
    const { results, verdict } = evaluateSla(
      checks,
      lookupFrom({ 'visible.p99': 30_000, lost: 0, 'capture.error_share': 0, 'rate.achieved_share': 1 }),
    );
    assert.equal(verdict, 'fail');
    assert.deepEqual(
      results.map((r) => r.pass),
      [false, true, true, true],
    );
    assert.equal(results[0]?.detail, 'visible.p99 = 30s, required < 30s: fail');
  });

  it('compares at the boundary as written', () => {
    const at = (source: string, value: number) =>
      evaluateSla([parseSlaExpression(source)], () => value).results[0]?.pass;
    assert.equal(at('lost <= 0', 0), true);
    assert.equal(at('lost < 0', 0), false);
    assert.equal(at('sent > 10', 11), true);
    assert.equal(at('sent > 10', 10), false);
    assert.equal(at('rate.achieved_share >= 98%', 0.98), true);
    assert.equal(at('duplicates != 0', 0), false);
    assert.equal(at('duplicates != 0', 2), true);
  });

  it('a metric without a value fails its check and says so', () => {
    for (const missing of [null, Number.NaN]) {
      const { results, verdict } = evaluateSla(
        [parseSlaExpression('identified.visible.p99 < 5m')],
        () => missing,
      );
      assert.equal(verdict, 'fail');
      assert.equal(results[0]?.value, null);
      assert.equal(results[0]?.pass, false);
      assert.match(results[0]?.detail ?? '', /identified\.visible\.p99 has no value/);
    }
  });

  it('no checks: pass', () => {
    assert.deepEqual(
      evaluateSla([], () => null),
      { results: [], verdict: 'pass' },
    );
  });
});

describe('formatSlaValue', () => {
  it('writes each unit for humans', () => {
    assert.equal(formatSlaValue(250, 'ms'), '250ms');
    assert.equal(formatSlaValue(4_217, 'ms'), '4.22s');
    assert.equal(formatSlaValue(90_400, 'ms'), '1m 30s');
    assert.equal(formatSlaValue(0.001, 'fraction'), '0.1%');
    assert.equal(formatSlaValue(0.98, 'fraction'), '98%');
    assert.equal(formatSlaValue(12, 'count'), '12');
    assert.equal(formatSlaValue(1_999.96, 'eps'), '2000/s');
    assert.equal(formatSlaValue(null, 'ms'), 'no value');
  });
});
