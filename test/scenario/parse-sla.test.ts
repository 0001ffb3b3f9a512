import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IngestbenchError } from '../../src/errors.js';
import { findRepoRoot } from '../../src/cli/write-json-schema.js';
import { parseSlaExpression, SLA_METRICS, trySlaExpression } from '../../src/scenario/parse-sla.js';

function check(source: string): [string, string, number] {
  const c = parseSlaExpression(source);
  return [c.metric, c.op, c.threshold];
}

function failure(source: string): Extract<ReturnType<typeof trySlaExpression>, { ok: false }> {
  const result = trySlaExpression(source);
  assert.ok(!result.ok, `expected "${source}" to be refused`);
  return result;
}

describe('SLA_METRICS', () => {
  it('has every scoped metric, the three global ones and the three capacity ones, each once', () => {
    const paths = SLA_METRICS.map((m) => m.path);
    assert.equal(new Set(paths).size, paths.length);
    assert.equal(paths.length, 3 * (3 * 5 + 9 + 3) + 3 + 3);
    for (const scope of ['', 'anonymous.', 'identified.']) {
      for (const name of ['visible', 'ack', 'sendDelay']) {
        for (const stat of ['p50', 'p90', 'p99', 'p999', 'max']) {
          assert.equal(SLA_METRICS.find((m) => m.path === `${scope}${name}.${stat}`)?.unit, 'ms');
        }
      }
      for (const count of [
        'lost',
        'unverified',
        'duplicates',
        'dropped',
        'rejected',
        'visible',
        'acknowledged',
        'sent',
        'planned',
      ]) {
        assert.equal(SLA_METRICS.find((m) => m.path === `${scope}${count}`)?.unit, 'count');
      }
      assert.equal(SLA_METRICS.find((m) => m.path === `${scope}lost_share`)?.unit, 'fraction');
    }
    assert.equal(SLA_METRICS.find((m) => m.path === 'capture.error_share')?.unit, 'fraction');
    assert.equal(SLA_METRICS.find((m) => m.path === 'rate.achieved_share')?.unit, 'fraction');
    assert.equal(SLA_METRICS.find((m) => m.path === 'rate.achieved')?.unit, 'eps');
    assert.ok(SLA_METRICS.every((m) => m.description.length > 10));
  });
});

describe('parseSlaExpression', () => {
  it('reads the forms in the docs', () => {
    assert.deepEqual(check('visible.p99 < 5m'), ['visible.p99', '<', 300_000]);
    assert.deepEqual(check('lost == 0'), ['lost', '==', 0]);
    assert.deepEqual(check('capture.error_share < 0.1%'), ['capture.error_share', '<', 0.001]);
    assert.deepEqual(check('rate.achieved_share >= 98%'), ['rate.achieved_share', '>=', 0.98]);
    assert.deepEqual(check('anonymous.visible.p99 < 2m'), ['anonymous.visible.p99', '<', 120_000]);
  });

  it('reads every operator, with or without spaces', () => {
    assert.deepEqual(check('ack.p50<=250ms'), ['ack.p50', '<=', 250]);
    assert.deepEqual(check('sent > 10'), ['sent', '>', 10]);
    assert.deepEqual(check('  planned >=1000  '), ['planned', '>=', 1000]);
    assert.deepEqual(check('duplicates != 3'), ['duplicates', '!=', 3]);
    assert.equal(parseSlaExpression('  lost == 0 ').source, 'lost == 0');
  });

  it('reads each unit for each kind of metric', () => {
    assert.deepEqual(check('identified.sendDelay.max < 1m30s'), ['identified.sendDelay.max', '<', 90_000]);
    assert.deepEqual(check('visible.p999 <= 1h'), ['visible.p999', '<=', 3_600_000]);
    assert.deepEqual(check('visible.p90 < 1.5s'), ['visible.p90', '<', 1_500]);
    assert.deepEqual(check('lost_share < 0.0001'), ['lost_share', '<', 0.0001]);
    assert.deepEqual(check('anonymous.lost_share <= 1%'), ['anonymous.lost_share', '<=', 0.01]);
    assert.deepEqual(check('rate.achieved_share >= 0.98'), ['rate.achieved_share', '>=', 0.98]);
    assert.deepEqual(check('rate.achieved >= 1900'), ['rate.achieved', '>=', 1900]);
    assert.deepEqual(check('rate.achieved >= 1900/s'), ['rate.achieved', '>=', 1900]);
  });

  it('takes the shares by their former names (lost_rate, dropped_rate, capture.error_rate) and judges them by the new', () => {
    assert.deepEqual(check('lost_rate < 0.0001'), ['lost_share', '<', 0.0001]);
    assert.deepEqual(check('identified.dropped_rate <= 1%'), ['identified.dropped_share', '<=', 0.01]);
    assert.deepEqual(check('capture.error_rate < 0.1%'), ['capture.error_share', '<', 0.001]);
    // The expression as written stays the check's source, for the verdict line.
    assert.equal(parseSlaExpression('lost_rate < 1%').source, 'lost_rate < 1%');
    // A former name is not a second metric in the catalogue.
    assert.equal(SLA_METRICS.filter((m) => m.path.endsWith('_rate')).length, 0);
  });

  it('reads capacity rates and the capacity ratio (a plain number, not a share)', () => {
    assert.deepEqual(check('capacity.identified >= 5000/s'), ['capacity.identified', '>=', 5000]);
    assert.deepEqual(check('capacity.anonymous > 12000'), ['capacity.anonymous', '>', 12000]);
    assert.deepEqual(check('capacity.ratio <= 4'), ['capacity.ratio', '<=', 4]);
    assert.deepEqual(check('capacity.ratio <= 2.5x'), ['capacity.ratio', '<=', 2.5]);
    assert.match(failure('capacity.ratio <= 5m').message, /ratio/);
  });

  it('refuses units that do not fit the metric', () => {
    assert.match(failure('visible.p99 < 5').message, /is a duration: give "5" a unit/);
    assert.match(failure('visible.p99 < 5%').message, /duration, not a share/);
    assert.match(failure('lost == 1%').message, /count of events.*use lost_share/);
    assert.match(failure('lost == 0.5').message, /whole number/);
    assert.match(failure('duplicates < 5s').message, /whole number/);
    assert.match(failure('capture.error_share < 5').message, /would mean 500%/);
    assert.match(failure('capture.error_share < 5s').message, /share, not a duration/);
    assert.match(failure('rate.achieved > 5m').message, /events\/s/);
  });

  it('puts the caret under the bad part', () => {
    assert.deepEqual(failure('visible.p98 < 5m'), {
      ok: false,
      message:
        'unknown metric "visible.p98" (did you mean "visible.p90"?); the metrics are listed in README.md (SLA expressions)',
      start: 0,
      end: 11,
    });
    const op = failure('lost = 0');
    assert.deepEqual([op.start, op.end], [5, 6]);
    assert.match(op.message, /equality is ==/);
    const missing = failure('lost ==');
    assert.equal(missing.start, 7);
    assert.match(missing.message, /expected a threshold/);
    const unit = failure('visible.p99 < 5 minutes');
    assert.deepEqual([unit.start, unit.end], [14, 23]);
    assert.match(failure('').message, /empty SLA expression/);
    assert.match(failure('< 5m').message, /expected a metric name/);
    assert.match(failure('lost 0').message, /expected a comparison/);
  });

  it('throws SCENARIO_INVALID with the expression and a caret line', () => {
    assert.throws(
      () => parseSlaExpression('anonymous.visble.p99 < 2m'),
      (error: unknown) => {
        assert.ok(error instanceof IngestbenchError);
        assert.equal(error.code, 'SCENARIO_INVALID');
        const lines = error.message.split('\n');
        assert.match(lines[0] ?? '', /did you mean "anonymous.visible.p99"/);
        assert.equal(lines[1], '  anonymous.visble.p99 < 2m');
        assert.equal(lines[2], `  ${'^'.repeat('anonymous.visble.p99'.length)}`);
        return true;
      },
    );
  });
});

describe('metric catalogue documentation', () => {
  it('README.md names every metric', async () => {
    const docs = await readFile(
      join(findRepoRoot(dirname(fileURLToPath(import.meta.url))), 'README.md'),
      'utf8',
    );
    const unscoped = SLA_METRICS.filter((m) => !/^(anonymous|identified)\./.test(m.path));
    // Latency metrics are documented as `visible.p50`, `.p90`, …; others by their full path.
    const undocumented = unscoped.filter(
      (m) => !docs.includes(`\`${m.path.replace(/\.(p50|p90|p99|p999|max)$/, '.p50')}\``),
    );
    assert.deepEqual(
      undocumented.map((m) => m.path),
      [],
    );
  });
});
