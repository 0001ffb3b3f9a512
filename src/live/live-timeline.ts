// The live view's per-second accumulator: fed as things happen (load progress, events first seen,
// query stats), it hands out each second of the run once, when the second has ended, with what
// happened in it (see live-event.ts for why a second is final when emitted). Pure: the caller
// passes the time, so tests drive it without timers.
//
// Load counts arrive as cumulative per-class totals (worker progress, up to half a progress
// interval stale); the difference since the previous emitted second goes to the second being
// emitted, and finish() settles the load side's final totals into the last second, so the seconds
// always sum to the report's counts. Visible events land in the second they were seen in, or in
// the first second not yet emitted when they are reported late (a poll's rows are recorded after
// its pages arrive). Memory holds only the seconds not yet emitted, so a day-long run costs no more.

import type { Histogram } from 'hdr-histogram-js';
import type { ClassCounts } from '../load/load-tally.js';
import type { LoadProgress } from '../load/run-load.js';
import { latencyHistogram, recordLatency } from '../core/latency-histogram.js';
import { toMs } from '../measure/latency-summary.js';
import { SkewTally } from '../core/skew-tally.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import type { LiveClassSecond, LiveQueryBudget, LiveSecond, LiveStage } from './live-event.js';

type LoadCounts = Omit<ClassCounts, 'planned'>;

const LOAD_FIELDS = ['sent', 'acknowledged', 'rejected', 'failed', 'dropped'] as const;

const zeroLoad = (): LoadCounts => ({ sent: 0, acknowledged: 0, rejected: 0, failed: 0, dropped: 0 });

interface PendingClass {
  visible: number;
  readonly latency: Histogram;
}

/** Cumulative figures of the run so far (what the SLA as it stands is judged on). */
export interface LiveTotals {
  readonly classes: Readonly<Record<EventClass, LoadCounts & { readonly visible: number }>>;
  /** Visible latency of the measured events seen so far, per class. */
  readonly visibleLatency: Readonly<Record<EventClass, Histogram>>;
}

export class LiveTimeline {
  private next = 0;
  private readonly pending = new Map<number, Record<EventClass, PendingClass>>();
  /** Load counts as last reported, and as already handed out in emitted seconds. */
  private loadNow: Record<EventClass, LoadCounts> = { anonymous: zeroLoad(), identified: zeroLoad() };
  private readonly loadEmitted: Record<EventClass, LoadCounts> = {
    anonymous: zeroLoad(),
    identified: zeroLoad(),
  };
  private errorsNow: Readonly<Record<string, number>> = {};
  private readonly errorsEmitted = new Map<string, number>();
  private sendDelayMaxMs: number | null = null;
  private inFlight = 0;
  private budget: LiveQueryBudget;
  private queriesEmitted = 0;
  private stage: LiveStage = 'load';
  private readonly visibleTotal: Record<EventClass, number> = { anonymous: 0, identified: 0 };
  private readonly cumulative: Record<EventClass, Histogram> = {
    anonymous: latencyHistogram(),
    identified: latencyHistogram(),
  };
  /** Negative latencies (clock skew) stay out of the percentiles, as in the report. */
  private readonly skew = new SkewTally();
  private readonly cumulativeSkew = new SkewTally();

  constructor(
    private readonly startAtMs: number,
    limits: LiveQueryBudget['limits'],
  ) {
    this.budget = { queries: 0, throttled: 0, peakPerMinute: 0, peakPerHour: 0, limits };
  }

  setStage(stage: LiveStage): void {
    this.stage = stage;
  }

  load(progress: Pick<LoadProgress, 'classes' | 'errors' | 'sendDelayMaxMs' | 'inFlight'>): void {
    this.loadNow = progress.classes;
    this.errorsNow = progress.errors;
    this.inFlight = progress.inFlight;
    if (progress.sendDelayMaxMs !== null)
      this.sendDelayMaxMs = Math.max(this.sendDelayMaxMs ?? -Infinity, progress.sendDelayMaxMs);
  }

  /** The query budget as it stands; only its own fields are kept (callers pass the client's stats). */
  queries(stats: LiveQueryBudget): void {
    const { queries, throttled, peakPerMinute, peakPerHour, limits } = stats;
    this.budget = { queries, throttled, peakPerMinute, peakPerHour, limits };
  }

  /** `events` first seen at `atMs`; `measured` of them had latency `latencyMs` (observation-result.ts). */
  visible(eventClass: EventClass, events: number, measured: number, latencyMs: number, atMs: number): void {
    const second = Math.max(this.next, this.secondOf(atMs));
    let entry = this.pending.get(second);
    if (!entry) {
      entry = {
        anonymous: { visible: 0, latency: latencyHistogram() },
        identified: { visible: 0, latency: latencyHistogram() },
      };
      this.pending.set(second, entry);
    }
    entry[eventClass].visible += events;
    this.visibleTotal[eventClass] += events;
    if (measured > 0) {
      recordLatency(entry[eventClass].latency, this.skew, latencyMs, measured);
      recordLatency(this.cumulative[eventClass], this.cumulativeSkew, latencyMs, measured);
    }
  }

  /** Every second that ended by `nowMs` and was not handed out yet, in order. */
  tick(nowMs: number): LiveSecond[] {
    const out: LiveSecond[] = [];
    const ended = Math.floor((nowMs - this.startAtMs) / 1000);
    while (this.next < ended) {
      const second = this.next;
      out.push(this.emit(second, this.startAtMs + (second + 1) * 1000, second === ended - 1));
    }
    return out;
  }

  /**
   * The run is over: the load side's final counts (LoadResult) replace the last progress report,
   * and the seconds up to `nowMs` are handed out, the last one (possibly partial, ending at
   * `nowMs`) holding whatever remained. Nothing is emitted after this.
   */
  finish(
    nowMs: number,
    final: { counts: Readonly<Record<EventClass, ClassCounts>>; errors: Readonly<Record<string, number>> },
  ): LiveSecond[] {
    this.loadNow = final.counts;
    this.errorsNow = final.errors;
    this.inFlight = 0;
    const out = this.tick(nowMs);
    out.push(this.emit(this.next, Math.max(nowMs, this.startAtMs), true));
    return out;
  }

  totals(): LiveTotals {
    const classes = Object.fromEntries(
      EVENT_CLASSES.map((cls) => [cls, { ...this.loadNow[cls], visible: this.visibleTotal[cls] }]),
    ) as unknown as LiveTotals['classes'];
    return { classes, visibleLatency: this.cumulative };
  }

  private secondOf(ms: number): number {
    return Math.max(0, Math.floor((ms - this.startAtMs) / 1000));
  }

  /** Second `second`, ending at `endMs`; the load side's differences go to it when `withLoad`. */
  private emit(second: number, endMs: number, withLoad: boolean): LiveSecond {
    const visible = this.pending.get(second);
    this.pending.delete(second);
    this.next = second + 1;
    const classSecond = (cls: EventClass): LiveClassSecond => {
      const load = zeroLoad();
      if (withLoad) {
        for (const field of LOAD_FIELDS) {
          load[field] = this.loadNow[cls][field] - this.loadEmitted[cls][field];
          this.loadEmitted[cls][field] = this.loadNow[cls][field];
        }
      }
      const latency = visible?.[cls].latency;
      const count = latency?.totalCount ?? 0;
      return {
        ...load,
        visible: visible?.[cls].visible ?? 0,
        visibleP50Ms: count > 0 ? toMs(latency!.getValueAtPercentile(50)) : null,
        visibleP99Ms: count > 0 ? toMs(latency!.getValueAtPercentile(99)) : null,
        latencyCount: count,
      };
    };
    const errors: Record<string, number> = {};
    if (withLoad) {
      for (const [kind, n] of Object.entries(this.errorsNow)) {
        const delta = n - (this.errorsEmitted.get(kind) ?? 0);
        if (delta > 0) errors[kind] = delta;
        this.errorsEmitted.set(kind, n);
      }
    }
    const sendDelayMaxMs = withLoad ? this.sendDelayMaxMs : null;
    if (withLoad) this.sendDelayMaxMs = null;
    const queries = this.budget.queries - this.queriesEmitted;
    this.queriesEmitted = this.budget.queries;
    return {
      second,
      endMs,
      stage: this.stage,
      classes: { anonymous: classSecond('anonymous'), identified: classSecond('identified') },
      errors,
      sendDelayMaxMs,
      inFlight: this.inFlight,
      queries,
      budget: this.budget,
    };
  }
}
