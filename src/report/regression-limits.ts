// How much worse a candidate run may be than its baseline before `compare` calls it a regression:
// the defaults, and the `--max-regression METRIC=LIMIT` grammar that overrides them.
//
// A limit's unit follows the metric (the SLA catalogue, scenario/sla-metrics.ts):
// - latencies: `10%` of the baseline's value, or a duration (`500ms`) of increase;
// - shares (lost_share, capture.error_share, rate.achieved_share): percentage points, `0.1%` (or 0.001);
// - counts (lost, unverified, duplicates, dropped, rejected): a whole number of events more, or `10%`;
// - rate.achieved (events/s since report schema 2): `5%` of the baseline's rate, or events/s less.
// `off` drops a check. A metric without a class prefix applies to all events and to each class;
// a prefixed one (`anonymous.visible.p99=20%`) overrides it for that class.

import { IngestbenchError } from '../errors.js';
import { didYouMeanSuffix } from '../core/did-you-mean.js';
import { tryParseDuration } from '../core/parse-duration.js';
import { SLA_SCOPES, slaMetric, type SlaUnit } from '../scenario/sla-metrics.js';

export interface RegressionLimit {
  /** relative: a fraction of the baseline's value; absolute: in the metric's unit. */
  readonly kind: 'relative' | 'absolute';
  readonly value: number;
  /** As written, for the report. */
  readonly source: string;
}

/** Metric path (class-prefixed or not) → limit, or null when switched off. */
export type RegressionLimits = ReadonlyMap<string, RegressionLimit | null>;

export const DEFAULT_REGRESSION_LIMITS: readonly string[] = [
  'visible.p50=10%',
  'visible.p99=10%',
  'lost_share=0.01%',
  'capture.error_share=0.1%',
  // The share of the target rate sent (rate.achieved is events/s since report schema 2: shown, not
  // judged by default, as a scenario whose rate changed would read as a regression).
  'rate.achieved_share=2%',
  // Like loss: events observation could not check hide whatever happened to them.
  'unverified=0',
];

// ack and sendDelay are shown but not judged by default: both run from the intended send time, so
// on a shared machine they move with the generator's own scheduling (tens to hundreds of ms between
// two identical runs here), and whatever capture adds is in the visible figures already.
// `--max-regression ack.p99=25%` judges them.

/**
 * Latency increases below this are never regressions: visible figures are only as precise as the
 * poll resolution printed beside them (the larger of the two runs'); ack and send delay move by a
 * few milliseconds between any two runs on a shared machine.
 */
export const LATENCY_NOISE_FLOOR_MS = 20;

/** Metrics where a lower candidate value is the regression. */
const LOWER_IS_WORSE = new Set(['rate.achieved', 'rate.achieved_share']);
/** Counts that mean something went wrong (visible, sent, … are not better or worse). */
const BAD_COUNTS = new Set(['lost', 'unverified', 'duplicates', 'dropped', 'rejected']);

export function lowerIsWorse(path: string): boolean {
  return LOWER_IS_WORSE.has(path);
}

const usage = (message: string): IngestbenchError => new IngestbenchError('USAGE', message);
const PERCENT = /^(\d+(?:\.\d+)?|\.\d+)%$/;
const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;

/** "visible.p99=10%" → ["visible.p99", limit]; "lost_share=off" → ["lost_share", null]. */
export function parseRegressionLimit(text: string): [string, RegressionLimit | null] {
  const eq = text.indexOf('=');
  if (eq < 0) {
    throw usage(`--max-regression expects METRIC=LIMIT (e.g. visible.p99=10%), got "${text}"`);
  }
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  const metric = slaMetric(path);
  if (metric === undefined) {
    const hint = didYouMeanSuffix(path, [...comparableMetricPaths()]);
    throw usage(`--max-regression: unknown metric "${path}"${hint}; the metrics are listed in README.md`);
  }
  const bare = metric.path.replace(/^(anonymous|identified)\./, '');
  if (metric.unit === 'count' && !BAD_COUNTS.has(bare)) {
    throw usage(
      `--max-regression: ${path} is neither better nor worse when it grows; compare lost, unverified, duplicates, dropped or rejected`,
    );
  }
  if (raw === 'off') return [metric.path, null];
  const limit = readLimit(metric.path, metric.unit, raw);
  if (typeof limit === 'string') throw usage(`--max-regression ${path}=${raw}: ${limit}`);
  return [metric.path, { ...limit, source: raw }];
}

function readLimit(path: string, unit: SlaUnit, raw: string): Omit<RegressionLimit, 'source'> | string {
  const percent = PERCENT.exec(raw);
  switch (unit) {
    case 'ms': {
      if (percent) return { kind: 'relative', value: Number(percent[1]) / 100 };
      const duration = tryParseDuration(raw);
      if (duration.ok) return { kind: 'absolute', value: duration.ms };
      return `a latency limit is a share of the baseline (10%) or a duration of increase (500ms)`;
    }
    case 'fraction':
      if (percent) return { kind: 'absolute', value: Number(percent[1]) / 100 };
      if (NUMBER.test(raw) && Number(raw) <= 1) return { kind: 'absolute', value: Number(raw) };
      return `${path} is a share: its limit is in percentage points (0.1%) or a fraction (0.001)`;
    case 'count':
      if (percent) return { kind: 'relative', value: Number(percent[1]) / 100 };
      if (/^\d+$/.test(raw)) return { kind: 'absolute', value: Number(raw) };
      return `${path} is a count: its limit is a whole number of events (0) or a share of the baseline (10%)`;
    case 'eps':
      if (percent) return { kind: 'relative', value: Number(percent[1]) / 100 };
      if (NUMBER.test(raw)) return { kind: 'absolute', value: Number(raw) };
      return `${path} is a rate: its limit is a share of the baseline (5%) or events/s (100)`;
    case 'ratio':
      if (percent) return { kind: 'relative', value: Number(percent[1]) / 100 };
      if (NUMBER.test(raw)) return { kind: 'absolute', value: Number(raw) };
      return `${path} is a ratio: its limit is a share of the baseline (10%) or a plain number (0.5)`;
  }
}

function* comparableMetricPaths(): Generator<string> {
  for (const scope of SLA_SCOPES) {
    for (const name of ['visible', 'ack', 'sendDelay']) {
      for (const stat of ['p50', 'p90', 'p99', 'p999', 'max']) yield `${scope}${name}.${stat}`;
    }
    for (const name of [...BAD_COUNTS, 'lost_share']) yield `${scope}${name}`;
  }
  yield* ['capture.error_share', 'rate.achieved', 'rate.achieved_share'];
}

/**
 * The limits that apply, by full metric path: the defaults, then the user's entries without a
 * class prefix (each sets all events and both classes), then the user's prefixed entries.
 */
export function resolveRegressionLimits(overrides: readonly string[] = []): RegressionLimits {
  const out = new Map<string, RegressionLimit | null>();
  const apply = (entries: readonly [string, RegressionLimit | null][]): void => {
    for (const [path, limit] of entries) {
      const global = path.startsWith('capture.') || path.startsWith('rate.');
      const scoped = /^(anonymous|identified)\./.test(path);
      if (global || scoped) out.set(path, limit);
      else for (const scope of SLA_SCOPES) out.set(`${scope}${path}`, limit);
    }
  };
  apply(DEFAULT_REGRESSION_LIMITS.map(parseRegressionLimit));
  const user = overrides.map(parseRegressionLimit);
  apply(user.filter(([p]) => !/^(anonymous|identified)\./.test(p)));
  apply(user.filter(([p]) => /^(anonymous|identified)\./.test(p)));
  return out;
}
