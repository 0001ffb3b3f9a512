// Latencies that came out negative: a time stamped before the time it is measured from, such as
// created_at before the intended send time when the target's clock runs behind ours. Such a value
// is not a latency. It is counted apart with the worst (most negative) value and kept out of the
// histograms (latency-histogram.ts's recordLatency), where it used to be recorded as 1 µs: that flattered the percentiles and hid the skew.

export interface SkewFigures {
  /** Values below zero. */
  readonly count: number;
  /** The most negative value in ms; null when there was none. */
  readonly worstMs: number | null;
}

export const NO_SKEW: SkewFigures = { count: 0, worstMs: null };

export class SkewTally {
  count = 0;
  worstMs = 0;

  /** Records `events` values of `ms`, which is below zero. */
  record(ms: number, events = 1): void {
    this.count += events;
    if (ms < this.worstMs) this.worstMs = ms;
  }

  figures(): SkewFigures {
    return this.count === 0 ? NO_SKEW : { count: this.count, worstMs: roundMicros(this.worstMs) };
  }
}

export function mergeSkew(parts: readonly SkewFigures[]): SkewFigures {
  let count = 0;
  let worstMs: number | null = null;
  for (const part of parts) {
    count += part.count;
    if (part.worstMs !== null && (worstMs === null || part.worstMs < worstMs)) worstMs = part.worstMs;
  }
  return count === 0 ? NO_SKEW : { count, worstMs };
}

/** ms kept to µs, the histograms' unit. */
const roundMicros = (ms: number): number => Math.round(ms * 1000) / 1000;
