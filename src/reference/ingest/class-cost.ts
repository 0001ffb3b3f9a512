// Per-class ingestion CPU that does not depend on the class mix. Timing each class's slice of a
// batch is not enough: a slice's first item runs on cold caches (the other class's code and data
// ran last, a statement takes its first step in the transaction), and that fixed cost lands on the
// smaller class, whose slice has few items to spread it over: a 10/90 mix made anonymous events
// dearer than identified ones and a 90/10 mix the opposite. So, the stated rule:
//
// - Marginal cost. Each class is charged, per item (event processed, row written), its warm rate:
//   the CPU per item of the same positions of every slice, items WARM_UP to 2 × WARM_UP − 1 after
//   the switch to that class (a slice shorter than that: its second half), the median over its
//   recent slices. The same positions, because caches are still warming past the first few items:
//   timing "the second half" timed items 5–9 of a 10-event slice and items 45–89 of a 90-event
//   one, so the smaller class's rate came out dearer whatever the class, and a 10/90 mix gave an
//   identified ÷ anonymous ratio of 1.03–1.34 against 1.52–1.72 for 90/10 in one run. The median,
//   because a garbage collection that happens to fall into a small class's short timed window
//   would otherwise make that class's rate jump.
// - Per-item work only. A slice times items, never a batch's closing work: the persons' flush was
//   once timed after the identified slice and its CPU spread over the slice's events, so its fixed
//   part (the update statement's first step in the transaction, the walk over the changed
//   persons) was divided by 10 events in a 90/10 batch and by 90 in a 10/90 one, and rare
//   identified events came out dearer (a flush of 5 persons took 3.5–4.6 µs a person on a loaded
//   machine, of 45 persons 2.3–4.1 µs). Each changed person's write is now an item of its own
//   ('person' slices), charged its warm rate like an event row; the fixed part falls with the
//   slices' first items into the shared overhead.
// - Shared overhead. Everything else the batch costs, from the first slice through the commit
//   (first items, the transaction's begin and commit, the consumer offset), is charged to the
//   classes in proportion to the store rows each wrote (events, persons, distinct ids). That is a
//   choice, stated: the commit's work grows with the pages written, and identified events write
//   more rows; but part of this overhead is fixed per batch (work the batch needs whatever its
//   mix), and charging that by rows gives each row a larger share in a batch of fewer rows (a
//   90/10 batch of 100 events writes about 160 rows, a 10/90 one about 240).
//
// The charges of a batch add up to its measured CPU, so the per-class counters cover all of
// ingestion's batch work, writes and commit included.

import { EVENT_CLASSES, type EventClass } from '../../core/event-class.js';

/** What a slice does per item: events processed, event rows written, changed persons written. Rates are kept apart. */
export type SliceKind = 'process' | 'write' | 'person';

type PerClass<T> = Record<EventClass, T>;

export interface BatchCostMeter {
  /** Runs `each` over the items, timing the warm part. */
  slice<T>(eventClass: EventClass, kind: SliceKind, items: readonly T[], each: (item: T) => void): void;
  /**
   * `count` items of this class's slices turned out to be another class's work (a personless
   * event found force-upgraded): they are not charged this class's rate, so their part of the
   * slice falls into the shared overhead, and the class they moved to charges them itself.
   */
  uncount(eventClass: EventClass, kind: SliceKind, count: number): void;
  /** After the commit: the batch's CPU, µs, charged per class by the rule above. */
  end(rowsWritten: PerClass<number>): PerClass<number>;
}

export interface ClassCostMeter {
  begin(): BatchCostMeter;
}

/** Items of a slice run before its timed items, and the number timed (fewer in a short slice). */
const WARM_UP = 5;

/** Recent slices whose warm rates the median is taken over (odd: one middle value). */
const RATE_SAMPLES = 101;

/** The recent warm rates (µs per item) of one class and slice kind. */
class RateWindow {
  private readonly samples = new Float64Array(RATE_SAMPLES);
  private count = 0;
  private median: number | null = null;

  add(rate: number): void {
    this.samples[this.count % RATE_SAMPLES] = rate;
    this.count++;
    this.median = null;
  }

  get(): number | null {
    if (this.count === 0) return null;
    if (this.median === null) {
      const sorted = this.samples.slice(0, Math.min(this.count, RATE_SAMPLES)).sort();
      this.median = sorted[sorted.length >> 1]!;
    }
    return this.median;
  }
}

/** The process's CPU time so far, µs (user and system). */
const processCpuMicros = (): number => {
  const used = process.cpuUsage();
  return used.user + used.system;
};

/** `cpuMicros`: the CPU clock the meter reads (the process's; a test gives one it drives). */
export function createClassCostMeter(cpuMicros: () => number = processCpuMicros): ClassCostMeter {
  const warm = new Map<string, RateWindow>();
  const rate = (key: string): number | null => warm.get(key)?.get() ?? null;
  return {
    begin() {
      const start = cpuMicros();
      const items = new Map<string, number>();
      return {
        slice(eventClass, kind, list, each) {
          if (list.length === 0) return;
          const key = `${eventClass}:${kind}`;
          items.set(key, (items.get(key) ?? 0) + list.length);
          // The first WARM_UP items warm the caches up, the next WARM_UP are timed, at the same
          // positions whatever the slice's length (a short slice: its second half).
          const cold = Math.min(WARM_UP, Math.ceil(list.length / 2));
          const timedEnd = Math.min(list.length, cold + WARM_UP);
          let i = 0;
          while (i < cold) each(list[i++]!);
          const warmStart = cpuMicros();
          while (i < timedEnd) each(list[i++]!);
          const spent = cpuMicros() - warmStart;
          while (i < list.length) each(list[i++]!);
          const timed = timedEnd - cold;
          if (timed > 0) {
            let window = warm.get(key);
            if (window === undefined) warm.set(key, (window = new RateWindow()));
            window.add(spent / timed);
          }
        },
        uncount(eventClass, kind, count) {
          const key = `${eventClass}:${kind}`;
          items.set(key, Math.max(0, (items.get(key) ?? 0) - count));
        },
        end(rowsWritten) {
          const total = cpuMicros() - start;
          const charged: PerClass<number> = { anonymous: 0, identified: 0 };
          for (const [key, n] of items) {
            const [eventClass] = key.split(':') as [EventClass];
            charged[eventClass] += (rate(key) ?? 0) * n;
          }
          const marginal = charged.anonymous + charged.identified;
          // A batch cheaper than the warm rates say (noise): scale down, nothing left to share.
          if (marginal >= total) {
            const scale = marginal > 0 ? total / marginal : 0;
            return { anonymous: charged.anonymous * scale, identified: charged.identified * scale };
          }
          const shared = total - marginal;
          const rows = rowsWritten.anonymous + rowsWritten.identified;
          for (const eventClass of EVENT_CLASSES) {
            const weight = rows > 0 ? rowsWritten[eventClass] / rows : 0;
            charged[eventClass] += shared * weight;
          }
          return charged;
        },
      };
    },
  };
}
