// When each replayed event is meant to be sent, and which worker sends it: pure arithmetic shared
// by the plan (main thread, from the validating pass) and the sources (worker threads, streaming),
// so both count the same events and the ledger fits exactly.
//
// Event i of a pass over the file (i counts events, not lines: a requests_dump line holds several)
// is intended at an offset from the start of the run:
// - `--rate R`: the closed-form schedule of one steady phase at R (schedule.ts): global event
//   g = pass × N + i goes at g / R. Properties and order are the recording's, timing is not.
// - `--speed X`: pass × period + (T_i − T_0) / X, where T_0 is the first event's recorded time and
//   T_i the latest recorded time up to event i. The running maximum keeps intended times in file
//   order: an event recorded before one above it is meant right after that one (counted as out of
//   order in the plan line) rather than in the past. A pass lasts period = (span + gap) / X, the
//   gap being the recording's mean spacing (1 s when all events share one time), so the first
//   event of the next pass does not land on the last of this one.
// The load lasts `--duration` (default: one pass); the events planned are those intended before
// its end, whole passes first. Latency is measured from these intended times, as in any run.
//
// A worker sends the events of the distinct ids it owns (hash of the recorded id mod workers), so
// each user's events keep their recorded order, as a generated user's do (user-population.ts).

import { hashString } from '../generate/prng.js';
import { IngestbenchError } from '../errors.js';
import type { RatePhase, ReplaySpec } from '../scenario/scenario.js';
import { Schedule } from './schedule.js';

export type { ReplayPace, ReplaySpec } from '../scenario/scenario.js';

/** What the validating pass found in one pass over the file. */
export interface ReplayScan {
  readonly lines: number;
  /** Events of one pass. */
  readonly events: number;
  readonly anonymous: number;
  /** Recorded time of the first event and the latest one, unix ms. */
  readonly firstMs: number;
  readonly lastMs: number;
  /** Events recorded earlier than one before them in the file. */
  readonly outOfOrder: number;
  /** Events of one pass per worker (by distinct id). */
  readonly perWorker: readonly number[];
}

/** The worker that sends a recorded distinct id's events. */
export function replayWorkerOf(distinctId: string, workers: number): number {
  return hashString(distinctId) % workers;
}

export class ReplayTiming {
  readonly durationMs: number;
  /** A pass's length at this pace, ms (speed only; rate passes are N / R). */
  readonly periodMs: number;
  private readonly rateSchedule: Schedule | null;

  constructor(
    readonly spec: ReplaySpec,
    readonly scan: Pick<ReplayScan, 'events' | 'firstMs' | 'lastMs'>,
  ) {
    const { pace } = spec;
    const n = scan.events;
    if (n === 0) throw new IngestbenchError('REPLAY_INVALID', `${spec.file}: no events to replay`);
    if (pace.kind === 'speed') {
      if (!(pace.speed > 0) || !Number.isFinite(pace.speed)) {
        throw new IngestbenchError('USAGE', `--speed is ${pace.speed}: use a number above 0`);
      }
      const span = scan.lastMs - scan.firstMs;
      const gap = span > 0 && n > 1 ? span / (n - 1) : 1000;
      this.periodMs = (span + gap) / pace.speed;
      this.durationMs = spec.durationMs ?? this.periodMs;
      this.rateSchedule = null;
    } else {
      if (!(pace.rate > 0) || !Number.isFinite(pace.rate)) {
        throw new IngestbenchError('USAGE', `--rate is ${pace.rate}: use a number above 0`);
      }
      this.periodMs = (n / pace.rate) * 1000;
      this.durationMs = spec.durationMs ?? this.periodMs;
      this.rateSchedule = new Schedule(replayPhases(pace.rate, this.durationMs), 0, 1);
    }
  }

  /** The run's rate phases as the report shows them: one measured phase at the (average) rate. */
  phases(total: number): readonly RatePhase[] {
    const { pace } = this.spec;
    return replayPhases(pace.kind === 'rate' ? pace.rate : (total * 1000) / this.durationMs, this.durationMs);
  }

  /** Whole passes within the duration, and what is left of it (ms, or events for rate). */
  get wholePasses(): number {
    if (this.rateSchedule) return Math.floor(this.rateSchedule.count / this.scan.events);
    return Math.floor(this.durationMs / this.periodMs);
  }

  /** True when the duration ends inside a pass (its planned events need counting). */
  get partialPass(): boolean {
    if (this.rateSchedule) return this.rateSchedule.count > this.wholePasses * this.scan.events;
    return this.durationMs - this.wholePasses * this.periodMs > 0;
  }

  /** Events the run plans across workers; needs the partial pass counted when there is one. */
  total(partial?: number): number {
    if (this.rateSchedule) return this.rateSchedule.count;
    return this.wholePasses * this.scan.events + (partial ?? 0);
  }

  /** True when event i of the last, partial pass (intended at `inPassMs` at speed) is still planned. */
  inPartialPass(i: number, inPassMs: number): boolean {
    if (this.rateSchedule) return i < this.rateSchedule.count - this.wholePasses * this.scan.events;
    return inPassMs < this.durationMs - this.wholePasses * this.periodMs;
  }

  /** Offset within a pass of an event whose running-maximum recorded time is `recordedMs` (speed). */
  inPassMs(recordedMs: number): number {
    return this.spec.pace.kind === 'speed' ? (recordedMs - this.scan.firstMs) / this.spec.pace.speed : 0;
  }

  /** Intended offset (ms since the start) of event i of pass `pass`. */
  offsetMs(pass: number, i: number, recordedMs: number): number {
    if (this.rateSchedule) return this.rateSchedule.offsetMs(pass * this.scan.events + i);
    return pass * this.periodMs + this.inPassMs(recordedMs);
  }
}

function replayPhases(rate: number, durationMs: number): readonly RatePhase[] {
  return [{ name: 'replay', kind: 'steady', durationMs, fromRate: rate, toRate: rate, measured: true }];
}
