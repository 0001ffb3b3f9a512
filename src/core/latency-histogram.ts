// Latency histograms of one worker, in microseconds, per event class: ack latency (intended send
// time → final 2xx, retries included) and send delay (actual send − the batch's intended time).
// 'all' is not recorded twice per event: it is the sum of the classes, built when encoding.
// Histograms cross threads as encodeIntoCompressedBase64 strings and merge with add().

import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from 'hdr-histogram-js';
import type { EventClass } from './event-class.js';
import { mergeSkew, SkewTally, type SkewFigures } from './skew-tally.js';

export type HistogramKey = 'all' | EventClass;
export const HISTOGRAM_KEYS: readonly HistogramKey[] = ['all', 'anonymous', 'identified'];

export interface EncodedLoadHistograms {
  ack: Record<HistogramKey, string>;
  sendDelay: Record<HistogramKey, string>;
  /** Negative values, kept out of the histograms (skew-tally.ts). */
  skew: { ack: SkewFigures; sendDelay: SkewFigures };
}

/**
 * Seven days. Soaks check SLAs of minutes to a day, so a day-long lag must be recorded as itself
 * (an hour's cap hid it); the wider range costs a few more buckets per histogram, not precision.
 * Anything slower still is recorded as seven days.
 */
export const HIGHEST_MICROS = 7 * 24 * 3_600_000_000;

export function latencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MICROS,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
}

/** Fractional ms → whole µs within the histogram's range. */
export function toMicros(ms: number): number {
  const micros = Math.round(ms * 1000);
  return micros < 1 ? 1 : micros > HIGHEST_MICROS ? HIGHEST_MICROS : micros;
}

export class LoadHistograms {
  // Indexed by class code (ledger CLASS_CODE): 0 anonymous, 1 identified.
  private readonly ack = [latencyHistogram(), latencyHistogram()] as const;
  private readonly sendDelay = [latencyHistogram(), latencyHistogram()] as const;
  private readonly skew = { ack: new SkewTally(), sendDelay: new SkewTally() };

  /** `events` events of one class with the same ack latency (a batch shares its ack time). */
  recordAck(classCode: 0 | 1, ms: number, events = 1): void {
    recordLatency(this.ack[classCode], this.skew.ack, ms, events);
  }

  recordSendDelay(classCode: 0 | 1, ms: number, events: number): void {
    recordLatency(this.sendDelay[classCode], this.skew.sendDelay, ms, events);
  }

  encode(): EncodedLoadHistograms {
    return {
      ack: encodeByClass(this.ack),
      sendDelay: encodeByClass(this.sendDelay),
      skew: { ack: this.skew.ack.figures(), sendDelay: this.skew.sendDelay.figures() },
    };
  }
}

function encodeByClass(byClass: readonly [Histogram, Histogram]): Record<HistogramKey, string> {
  const all = latencyHistogram();
  all.add(byClass[0]);
  all.add(byClass[1]);
  return {
    all: encodeIntoCompressedBase64(all),
    anonymous: encodeIntoCompressedBase64(byClass[0]),
    identified: encodeIntoCompressedBase64(byClass[1]),
  };
}

/** Sum of encoded histograms, encoded. */
export function mergeEncoded(encoded: readonly string[]): string {
  const sum = latencyHistogram();
  for (const text of encoded) sum.add(decodeFromCompressedBase64(text));
  return encodeIntoCompressedBase64(sum);
}

export function mergeLoadHistograms(parts: readonly EncodedLoadHistograms[]): EncodedLoadHistograms {
  const merged = (metric: 'ack' | 'sendDelay'): Record<HistogramKey, string> => ({
    all: mergeEncoded(parts.map((p) => p[metric].all)),
    anonymous: mergeEncoded(parts.map((p) => p[metric].anonymous)),
    identified: mergeEncoded(parts.map((p) => p[metric].identified)),
  });
  return {
    ack: merged('ack'),
    sendDelay: merged('sendDelay'),
    skew: {
      ack: mergeSkew(parts.map((p) => p.skew.ack)),
      sendDelay: mergeSkew(parts.map((p) => p.skew.sendDelay)),
    },
  };
}

/**
 * `events` values of `ms` into `histogram`, or into `skew` when `ms` is below zero: a negative
 * latency is clock skew, counted apart, never recorded as the 1 µs toMicros would make it.
 */
export function recordLatency(histogram: Histogram, skew: SkewTally, ms: number, events = 1): void {
  if (events <= 0) return;
  if (ms < 0) skew.record(ms, events);
  else histogram.recordValueWithCount(toMicros(ms), events);
}
