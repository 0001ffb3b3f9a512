// The terminal summary and summary.md say whether lag grew over the steady phase, and report clock
// skew only when there was some.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport } from '../../src/report/build-report.js';
import { clockSkewLine } from '../../src/report/clock-skew-line.js';
import { lagTrendLine } from '../../src/report/lag-trend-line.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSummary } from '../../src/report/render-summary.js';
import type { Report } from '../../src/report/report-types.js';
import { lagInputs } from './lag-fixture.js';

const report = buildReport(lagInputs());

describe('lagTrendLine', () => {
  it('names the fit and its window, and says per class whether p50 grew beyond the resolution', () => {
    const line = lagTrendLine(report);
    assert.match(
      line,
      /^visible p50 trend over steady phase, 30\.0 s–1m 30s \(least squares of per-second p50s\): /,
    );
    // Identified lag grows ~20 ms a second in the fixture; anonymous holds.
    const identified = /identified \+(\d+\.\d) ms\/min \(\+([\d.]+) s over the window: grew\)/.exec(line);
    assert.ok(identified, line);
    assert.ok(Math.abs(Number(identified[1]) - 1200) < 120, line);
    assert.match(
      line,
      /anonymous [+-]\d+\.\d ms\/min \([+-][\d.]+ ms over the window: flat: within the resolution\)/,
    );
  });

  it('says so when a class had nothing to fit, and when no phase is steady', () => {
    const none: Report = {
      ...report,
      lagTrend: {
        ...report.lagTrend,
        window: 'measured',
        classes: {
          anonymous: report.lagTrend.classes.anonymous,
          identified: { p50MsPerMinute: null, p50ChangeMs: null, points: 0, direction: null },
        },
      },
    };
    const line = lagTrendLine(none);
    assert.match(line, /over measured phases \(no steady phase\)/);
    assert.match(line, /identified — \(no visible events\)/);
  });

  it('is in the terminal summary and in summary.md', () => {
    assert.ok(renderSummary(report).includes(lagTrendLine(report)));
    assert.match(renderMarkdown(report), /visible p50 trend over steady phase/);
  });
});

describe('clockSkewLine', () => {
  it('is absent without skew and lists each metric that had some, with its worst value', () => {
    assert.equal(clockSkewLine(report), null);
    assert.doesNotMatch(renderSummary(report), /clock skew/);
    const skewed: Report = {
      ...report,
      clockSkew: {
        ...report.clockSkew,
        created: { count: 1234, worstMs: -1500 },
        visible: { count: 2, worstMs: -0.25 },
      },
    };
    assert.equal(
      clockSkewLine(skewed),
      'clock skew: negative latencies, kept out of the percentiles: visible 2 (worst -250 µs), created_at 1,234 (worst -1.50 s)',
    );
    assert.ok(renderSummary(skewed).includes(clockSkewLine(skewed)!));
    assert.match(renderMarkdown(skewed), /clock skew: negative latencies/);
  });
});
