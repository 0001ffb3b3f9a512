// Latency figures from an HDR histogram: the percentiles a report prints, in milliseconds, from
// histograms recorded in microseconds (latency-histogram.ts records them; this reads them). An
// empty histogram has no percentiles: null, never 0, so an SLA on it fails instead of passing.

import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { latencyHistogram } from '../core/latency-histogram.js';

export interface LatencySummary {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly count: number;
}

export const SUMMARY_PERCENTILES = { p50: 50, p90: 90, p99: 99, p999: 99.9 } as const;

/** µs → ms, kept to µs precision (the histogram's own unit) without float noise. */
export const toMs = (micros: number): number => Math.round(micros) / 1000;

export function latencySummary(histogram: Histogram | string): LatencySummary {
  const h = typeof histogram === 'string' ? decodeHistogram(histogram) : histogram;
  const count = h.totalCount;
  if (count === 0) return { p50: null, p90: null, p99: null, p999: null, max: null, mean: null, count: 0 };
  return {
    p50: toMs(h.getValueAtPercentile(SUMMARY_PERCENTILES.p50)),
    p90: toMs(h.getValueAtPercentile(SUMMARY_PERCENTILES.p90)),
    p99: toMs(h.getValueAtPercentile(SUMMARY_PERCENTILES.p99)),
    p999: toMs(h.getValueAtPercentile(SUMMARY_PERCENTILES.p999)),
    max: toMs(h.maxValue),
    mean: Math.round(h.mean) / 1000,
    count,
  };
}

/** An encoded histogram; the empty string (no events recorded anywhere) decodes as empty. */
export function decodeHistogram(encoded: string): Histogram {
  return encoded.trim() === '' ? latencyHistogram() : decodeFromCompressedBase64(encoded, 32, false);
}

/** Latency in ms at each percentile, for plots: [percentile, ms][] over the recorded range. */
export function percentileCurve(
  histogram: Histogram | string,
  percentiles: readonly number[],
): [number, number][] {
  const h = typeof histogram === 'string' ? decodeHistogram(histogram) : histogram;
  if (h.totalCount === 0) return [];
  return percentiles.map((p) => [p, toMs(p >= 100 ? h.maxValue : h.getValueAtPercentile(p))]);
}
