import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatCount,
  formatDuration,
  formatLatency,
  formatRate,
  formatShare,
} from '../../src/core/format.js';
import { textTable } from '../../src/report/text-table.js';

describe('format', () => {
  it('writes durations at a precision people read', () => {
    const cases: [number, string][] = [
      [0.015, '15 µs'],
      [3.14159, '3.14 ms'],
      [53.9, '53.9 ms'],
      [545.4, '545 ms'],
      [1080, '1.08 s'],
      [30_000, '30.0 s'],
      [185_000, '3m 05s'],
      [3_720_000, '1h 02m'],
      [-2500, '-2.50 s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
  });

  it('shows a missing latency as a dash, never as 0', () => {
    assert.equal(formatLatency(null), '—');
    assert.equal(formatLatency(0), '0 µs');
  });

  it('writes counts, shares and rates', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatShare(0.0169), '1.69%');
    assert.equal(formatShare(0), '0.0%');
    assert.equal(formatShare(0.25), '25.0%');
    assert.equal(formatShare(null), '—');
    assert.equal(formatRate(9.94), '9.9/s');
    assert.equal(formatRate(2000.4), '2,000/s');
  });
});

describe('textTable', () => {
  it('aligns numbers right and text left, counting µ and — as one column each', () => {
    const table = textTable(
      ['name', 'value'],
      [
        ['a', '15 µs'],
        ['longer', '—'],
      ],
      ['left', 'right'],
    );
    assert.equal(table, ['name    value', '──────  ─────', 'a       15 µs', 'longer      —'].join('\n'));
  });
});
