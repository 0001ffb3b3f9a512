// When each event is meant to be sent: the pure arithmetic of the open model.
//
// The run's rate phases define the cumulative event count C(t) = ∫₀ᵗ rate (a ramp integrates
// linearly, so C is quadratic inside it). Global event g is intended at the time C(t) = g, and
// belongs to worker g mod W as that worker's event n = ⌊g / W⌋. Workers thus interleave exactly
// (no bursts where all workers fire at once), the run plans ⌈C(end)⌉ events, and the workers'
// counts always sum to it.

import { onLedgerGrid } from './ledger.js';
import { IngestbenchError } from '../errors.js';
import type { RatePhase } from '../scenario/scenario.js';

/**
 * Longest wait for a batch to fill. A batch goes when its last event's time arrives, so at low
 * rates a full batch would hold its first events for seconds (100 events at 10/s is 10 s): an
 * artefact of the harness that every latency would carry. Like the SDKs' flush interval, a batch
 * is cut short after this span instead.
 */
export const BATCH_WINDOW_MS = 100;

interface PhaseSpan {
  readonly startMs: number;
  readonly durationMs: number;
  readonly startCount: number;
  readonly endCount: number;
  /** events/ms at the start and end of the phase. */
  readonly fromRate: number;
  readonly toRate: number;
  readonly measured: boolean;
}

// Counts are sums of float products: without a little slack, 20000 × 30 s could come out as
// 600000.0000001 and plan one event too many.
const slack = (count: number): number => count - 1e-9 * Math.max(1, count);

export class Schedule {
  /** Events of this worker. */
  readonly count: number;
  readonly durationMs: number;
  private readonly spans: readonly PhaseSpan[];

  constructor(
    phases: readonly RatePhase[],
    readonly worker: number,
    readonly workers: number,
  ) {
    this.spans = spans(phases);
    const last = this.spans[this.spans.length - 1];
    this.durationMs = last ? last.startMs + last.durationMs : 0;
    const total = slack(last ? last.endCount : 0);
    this.count = Math.max(0, Math.ceil((total - worker) / workers));
  }

  /** Index of the phase event n falls in. */
  phaseOf(n: number): number {
    const g = n * this.workers + this.worker;
    const spans = this.spans;
    for (let i = 0; i < spans.length; i++) {
      if (g < slack(spans[i]!.endCount)) return i;
    }
    return spans.length - 1;
  }

  isMeasured(n: number): boolean {
    return this.spans[this.phaseOf(n)]?.measured ?? false;
  }

  /**
   * Intended time of event n (unix ms) for a run starting at `startAtMs`, on the ledger's grid:
   * the value the send loop records and sends, and the one lost-event naming recomputes.
   */
  intendedAt(startAtMs: number, n: number): number {
    return onLedgerGrid(startAtMs + this.offsetMs(n));
  }

  /** Intended send time of event n, in ms since the start of the run (off the grid). */
  offsetMs(n: number): number {
    const span = this.spans[this.phaseOf(n)];
    if (!span) return 0;
    const k = n * this.workers + this.worker - span.startCount;
    if (k <= 0) return span.startMs;
    const r0 = span.fromRate;
    const slope = (span.toRate - r0) / span.durationMs;
    // Solve r0·t + slope·t²/2 = k in the form that stays exact when the slope is 0 or tiny.
    const t = (2 * k) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * k)));
    return span.startMs + Math.min(t, span.durationMs);
  }
}

/** Events the whole run plans across all workers: ⌈C(end)⌉. */
export function totalEvents(phases: readonly RatePhase[]): number {
  const last = spans(phases).at(-1);
  return Math.max(0, Math.ceil(slack(last ? last.endCount : 0)));
}

/**
 * End (exclusive) of the batch that starts at event `first`: up to `batchSize` events, in
 * intended-time order, no wider than `windowMs` from the first to the last.
 */
export function batchEnd(
  schedule: Schedule,
  first: number,
  batchSize: number,
  windowMs = BATCH_WINDOW_MS,
): number {
  const limit = Math.min(schedule.count, first + batchSize);
  const latest = schedule.offsetMs(first) + windowMs;
  let end = first + 1;
  while (end < limit && schedule.offsetMs(end) <= latest) end++;
  return end;
}

function spans(phases: readonly RatePhase[]): PhaseSpan[] {
  const out: PhaseSpan[] = [];
  let startMs = 0;
  let count = 0;
  for (const phase of phases) {
    for (const [field, value] of [
      ['durationMs', phase.durationMs],
      ['fromRate', phase.fromRate],
      ['toRate', phase.toRate],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new IngestbenchError(
          'SCENARIO_INVALID',
          `phases.${phase.name}.${field} is ${value}: use a finite number ≥ 0 (to send flat out, use full-speed mode)`,
        );
      }
    }
    const fromRate = (phase.kind === 'ramp' ? phase.fromRate : phase.toRate) / 1000;
    const toRate = phase.toRate / 1000;
    const events = ((fromRate + toRate) / 2) * phase.durationMs;
    out.push({
      startMs,
      durationMs: phase.durationMs,
      startCount: count,
      endCount: count + events,
      fromRate,
      toRate,
      measured: phase.measured,
    });
    startMs += phase.durationMs;
    count += events;
  }
  return out;
}
