// SLA expressions from scenario files: `<metric> <op> <threshold>`, e.g. "visible.p99 < 5m",
// "lost == 0", "capture.error_share < 0.1%", "rate.achieved >= 98%". The threshold's unit must fit
// the metric (durations for latencies, % or a fraction for shares, whole numbers for counts), so a
// typo fails validation instead of silently comparing milliseconds with minutes.

import { IngestbenchError } from '../errors.js';
import { didYouMeanSuffix } from '../core/did-you-mean.js';
import { DURATION_EXAMPLES, tryParseDuration } from '../core/parse-duration.js';
import type { SlaCheck } from './scenario.js';
import { SLA_METRICS, slaMetric, type SlaMetric } from './sla-metrics.js';

export { SLA_METRICS } from './sla-metrics.js';

export type SlaOp = SlaCheck['op'];
/** Two-character operators first so "<=" is not read as "<" followed by "=". */
const OPS: readonly SlaOp[] = ['<=', '>=', '==', '!=', '<', '>'];

export type SlaParseResult =
  | { readonly ok: true; readonly check: SlaCheck }
  /** `start`/`end`: the offending span in the source, for a caret under it. */
  | { readonly ok: false; readonly message: string; readonly start: number; readonly end: number };

const EXAMPLE = '"visible.p99 < 5m"';

/** Parse one expression without throwing: the scenario validator collects every problem at once. */
export function trySlaExpression(source: string): SlaParseResult {
  const fail = (message: string, start: number, end: number): SlaParseResult => ({
    ok: false,
    message,
    start,
    end: Math.max(end, start + 1),
  });
  let pos = skipSpace(source, 0);
  if (pos === source.length) return fail(`empty SLA expression; write e.g. ${EXAMPLE}`, 0, 1);

  const metricMatch = /[A-Za-z_][A-Za-z0-9_.]*/y;
  metricMatch.lastIndex = pos;
  const metricText = metricMatch.exec(source)?.[0];
  if (metricText === undefined) {
    return fail(
      `expected a metric name such as visible.p99 at the start; write e.g. ${EXAMPLE}`,
      pos,
      pos + 1,
    );
  }
  const metricStart = pos;
  pos += metricText.length;
  const metric = slaMetric(metricText);
  if (metric === undefined) {
    const hint = didYouMeanSuffix(
      metricText,
      SLA_METRICS.map((m) => m.path),
    );
    return fail(
      `unknown metric "${metricText}"${hint}; the metrics are listed in README.md (SLA expressions)`,
      metricStart,
      pos,
    );
  }

  pos = skipSpace(source, pos);
  const op = OPS.find((candidate) => source.startsWith(candidate, pos));
  const opEnd = /[<>=!≤≥]+/y;
  opEnd.lastIndex = pos;
  const opText = opEnd.exec(source)?.[0] ?? '';
  if (op === undefined || opText.length !== op.length) {
    const what = opText === '' ? 'nothing' : `"${opText}"`;
    const hint = opText === '=' ? ' (equality is ==)' : '';
    return fail(
      `expected a comparison (<, <=, >, >=, ==, !=) after the metric, found ${what}${hint}`,
      pos,
      pos + Math.max(1, opText.length),
    );
  }
  pos += op.length;

  pos = skipSpace(source, pos);
  const thresholdStart = pos;
  const thresholdText = source.slice(pos).trimEnd();
  if (thresholdText === '') {
    return fail(`expected a threshold after "${op}"; write e.g. ${EXAMPLE}`, pos, pos + 1);
  }
  const thresholdEnd = thresholdStart + thresholdText.length;
  const threshold = readThreshold(metric, thresholdText);
  if (typeof threshold === 'string') return fail(threshold, thresholdStart, thresholdEnd);

  return { ok: true, check: { source: source.trim(), metric: metric.path, op, threshold } };
}

/** Parse one expression; throws SCENARIO_INVALID with the expression and a caret under the bad part. */
export function parseSlaExpression(source: string): SlaCheck {
  const result = trySlaExpression(source);
  if (result.ok) return result.check;
  throw new IngestbenchError(
    'SCENARIO_INVALID',
    `SLA expression: ${result.message}\n${caretUnder(source, result.start, result.end)}`,
  );
}

/** Two lines: the source indented, then carets under [start, end). */
export function caretUnder(source: string, start: number, end: number, indent = '  '): string {
  const width = Math.max(1, Math.min(end, source.length + 1) - start);
  return `${indent}${source}\n${indent}${' '.repeat(start)}${'^'.repeat(width)}`;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
  return pos;
}

const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;
const PERCENT = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;
const RATIO = /^(\d+(?:\.\d+)?|\.\d+)\s*[x×]?$/;
const PER_SECOND = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:\/s|eps)?$/;

/** The threshold in the metric's unit, or a message saying why the text does not fit the metric. */
function readThreshold(metric: SlaMetric, text: string): number | string {
  const name = metric.path;
  switch (metric.unit) {
    case 'ms': {
      const duration = tryParseDuration(text);
      if (duration.ok) return duration.ms;
      if (NUMBER.test(text))
        return `${name} is a duration: give "${text}" a unit (ms, s, m, h), e.g. ${DURATION_EXAMPLES}`;
      if (PERCENT.test(text)) return `${name} is a duration, not a share: write e.g. ${DURATION_EXAMPLES}`;
      return `${name} is a duration and "${text}" is not one: write e.g. ${DURATION_EXAMPLES}`;
    }
    case 'fraction': {
      const percent = PERCENT.exec(text);
      if (percent !== null) return Number(percent[1]) / 100;
      if (NUMBER.test(text)) {
        const value = Number(text);
        if (value <= 1) return value;
        return `${name} is a share: ${text} would mean ${value * 100}%; write a fraction (0.05) or a percentage (5%)`;
      }
      if (tryParseDuration(text).ok)
        return `${name} is a share, not a duration: write a fraction (0.05) or a percentage (5%)`;
      return `${name} is a share and "${text}" is not one: write a fraction (0.05) or a percentage (5%)`;
    }
    case 'count': {
      if (/^\d+$/.test(text)) return Number(text);
      const share = slaMetric(`${name}_share`);
      const hint = share === undefined ? '' : ` (for a share of events use ${share.path})`;
      return `${name} is a count of events: write a whole number such as 0${hint}`;
    }
    case 'eps': {
      const rate = PER_SECOND.exec(text);
      if (rate !== null) return Number(rate[1]);
      return `${name} is a rate in events/s: write a number such as 1900 (or 1900/s)`;
    }
    case 'ratio': {
      const ratio = RATIO.exec(text);
      if (ratio !== null) return Number(ratio[1]);
      return `${name} is a ratio: write a number such as 4 (or 4x)`;
    }
  }
}
