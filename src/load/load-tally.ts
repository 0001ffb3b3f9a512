// The counters of one worker (events by class and outcome, errors by kind, requests, retries, a
// per-second timeline) and their merge on the main thread. Plain numbers: they cross threads
// with the 'done' message.

import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';

export interface ClassCounts {
  planned: number;
  sent: number;
  acknowledged: number;
  rejected: number;
  dropped: number;
  failed: number;
}
export type Outcome = Exclude<keyof ClassCounts, 'planned'>;

export interface TimelinePoint {
  /** Whole seconds since the run's start. */
  second: number;
  /** Events handed to HTTP in that second (by actual send time). */
  sent: number;
  acknowledged: number;
  /** Error answers and network errors in that second (each attempt counts). */
  errors: number;
}

export interface LoadTallySnapshot {
  counts: Record<EventClass, ClassCounts>;
  /** Per HTTP attempt: a 429 retried twice before a 200 counts http_429 twice. */
  errors: Record<string, number>;
  retries: number;
  requests: { sent: number; ok: number; failed: number };
  timeline: TimelinePoint[];
}

export type OutcomeTotals = Record<Outcome, number>;

/** A class's counts before anything is planned (the ledger's account starts from the same). */
export const zeroCounts = (): ClassCounts => ({
  planned: 0,
  sent: 0,
  acknowledged: 0,
  rejected: 0,
  dropped: 0,
  failed: 0,
});

export class LoadTally {
  private readonly counts: readonly [ClassCounts, ClassCounts] = [zeroCounts(), zeroCounts()];
  private readonly errors = new Map<string, number>();
  private readonly seconds = { sent: [] as number[], acknowledged: [] as number[], errors: [] as number[] };
  retries = 0;
  readonly requests = { sent: 0, ok: 0, failed: 0 };
  /** The worst send delay since takeSendDelayMax() last ran (-Infinity: nothing sent). */
  private sendDelayMaxMs = -Infinity;

  constructor(private readonly startAtMs: number) {}

  /** Counts `events` of a class (0 anonymous, 1 identified) under a field. */
  count(classCode: 0 | 1, field: keyof ClassCounts, events: number): void {
    this.counts[classCode][field] += events;
  }

  eventsSent(events: number, atMs: number): void {
    this.bump(this.seconds.sent, atMs, events);
  }

  eventsAcknowledged(events: number, atMs: number): void {
    this.bump(this.seconds.acknowledged, atMs, events);
  }

  error(kind: string, atMs: number): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    this.requests.failed++;
    this.bump(this.seconds.errors, atMs, 1);
  }

  /** A batch handed to HTTP `ms` after its intended time (for the live view's worst send delay). */
  sendDelay(ms: number): void {
    if (ms > this.sendDelayMaxMs) this.sendDelayMaxMs = ms;
  }

  /** The worst send delay (ms) since the previous call, or null when nothing was sent; resets. */
  takeSendDelayMax(): number | null {
    const worst = this.sendDelayMaxMs;
    this.sendDelayMaxMs = -Infinity;
    return worst === -Infinity ? null : worst;
  }

  /** Per-class counts so far (copies: they cross threads in progress messages). */
  classCounts(): Record<EventClass, ClassCounts> {
    return { anonymous: { ...this.counts[0] }, identified: { ...this.counts[1] } };
  }

  /** Failed HTTP attempts so far by kind. */
  errorCounts(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }

  totals(): OutcomeTotals {
    const [a, b] = this.counts;
    return {
      sent: a.sent + b.sent,
      acknowledged: a.acknowledged + b.acknowledged,
      rejected: a.rejected + b.rejected,
      dropped: a.dropped + b.dropped,
      failed: a.failed + b.failed,
    };
  }

  snapshot(): LoadTallySnapshot {
    const length = Math.max(
      this.seconds.sent.length,
      this.seconds.acknowledged.length,
      this.seconds.errors.length,
    );
    const timeline: TimelinePoint[] = [];
    for (let second = 0; second < length; second++) {
      timeline.push({
        second,
        sent: this.seconds.sent[second] ?? 0,
        acknowledged: this.seconds.acknowledged[second] ?? 0,
        errors: this.seconds.errors[second] ?? 0,
      });
    }
    return {
      counts: this.classCounts(),
      errors: this.errorCounts(),
      retries: this.retries,
      requests: { ...this.requests },
      timeline,
    };
  }

  private bump(series: number[], atMs: number, n: number): void {
    const second = Math.max(0, Math.floor((atMs - this.startAtMs) / 1000));
    // Fill the gap so the array stays dense (holes would make it slow and the timeline ragged).
    while (series.length <= second) series.push(0);
    series[second]! += n;
  }
}

export function mergeTallies(parts: readonly LoadTallySnapshot[]): LoadTallySnapshot {
  const counts = { anonymous: zeroCounts(), identified: zeroCounts() };
  const errors: Record<string, number> = {};
  const requests = { sent: 0, ok: 0, failed: 0 };
  const timeline: TimelinePoint[] = [];
  let retries = 0;
  for (const part of parts) {
    for (const cls of EVENT_CLASSES) {
      for (const field of Object.keys(counts[cls]) as (keyof ClassCounts)[])
        counts[cls][field] += part.counts[cls][field];
    }
    for (const [kind, n] of Object.entries(part.errors)) errors[kind] = (errors[kind] ?? 0) + n;
    requests.sent += part.requests.sent;
    requests.ok += part.requests.ok;
    requests.failed += part.requests.failed;
    retries += part.retries;
    for (const point of part.timeline) {
      while (timeline.length <= point.second)
        timeline.push({ second: timeline.length, sent: 0, acknowledged: 0, errors: 0 });
      const into = timeline[point.second]!;
      into.sent += point.sent;
      into.acknowledged += point.acknowledged;
      into.errors += point.errors;
    }
  }
  return { counts, errors, retries, requests, timeline };
}
