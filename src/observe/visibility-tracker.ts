// The poller's pure core: which acknowledged events are still unseen, which timestamp ranges to
// ask the query API about, and what a returned row means for the ledger. No I/O, no timers.
//
// Cost model. A query returns every visible row in its ranges, seen before or not, so the cost
// of a poll is the number of visible rows it re-reads. Two kinds of range keep that small:
// - The recent window: from the oldest unseen acknowledged event to the newest one. Per worker
//   shard a cursor skips the settled prefix (seen, rejected, dropped, failed, or handed to the
//   straggler list), so a long run is never rescanned, in memory or in the store.
// - Stragglers: an acknowledged event still unseen when events intended `stragglerLagMs` after it
//   are already visible is probably lost or badly reordered. It leaves the window (which would
//   otherwise stay pinned open at it, re-reading everything since) and is chased alone, with a
//   narrow range around its own timestamp, a bounded number of ranges per poll, in rotation.
// Ranges are by `timestamp` (= intended send time, ms) rather than `uuid IN (…)`: the ledger
// knows each event's intended time but not the time bits its uuid was built with, and a time
// range is what PostHog's events table is sorted and partitioned by.

import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { decodeEventUuid } from '../generate/event-uuid.js';
import { latencyHistogram, recordLatency, type HistogramKey } from '../core/latency-histogram.js';
import { SkewTally } from '../core/skew-tally.js';
import { workerOfLane, type ShardSpec } from '../load/shard-spec.js';
import { CLASS_CODE, EventStatus, type Ledger } from '../load/ledger.js';
import type { EventClass } from '../scenario/scenario.js';
import type { VisibleListener } from './observation-result.js';
import type { TimeRange } from './poll-queries.js';

/** Slack around an event's intended ms: the generator may floor or round it to whole ms. */
const SLACK_MS = 1;
const SEQ_SPAN = 2 ** 40;

/** What one query returned for one uuid. */
export interface SeenRow {
  /** Rows with this uuid in the query's result (more than 1: duplicates). */
  readonly rows: number;
  /** When the page that first returned it had arrived. */
  readonly at: number;
  /** Its created_at (unix ms) when the target returned one. */
  readonly createdAt: number | null;
}

export interface TrackerOptions {
  readonly ledger: Ledger;
  readonly runTag: number;
  readonly stragglerLagMs: number;
  /** A shard's uuids carry lanes, not local workers (load/shard-spec.ts). */
  readonly shard?: ShardSpec;
  readonly onVisible?: VisibleListener;
}

export interface ScanResult {
  /** The recent window, or null when no recent acknowledged event is unseen. */
  readonly window: TimeRange | null;
  /** Acknowledged events not yet seen (recent and stragglers). */
  readonly pending: number;
  readonly stragglers: number;
  /** Events handed to the HTTP client without an answer yet. */
  readonly inFlight: number;
  /** Intended time of the oldest acknowledged event not yet seen (a straggler or in the window); NaN when none. */
  readonly oldestUnseenAt: number;
}

export class VisibilityTracker {
  readonly visibleByClass: Record<EventClass, number> = { anonymous: 0, identified: 0 };
  /** Rows of this run whose uuid the run did not generate (distinct uuids, capped count). */
  readonly foreign = new Set<string>();
  /** Events first seen through a straggler range rather than the recent window. */
  seenAsStragglers = 0;
  private readonly cursors: number[];
  private readonly stragglerSet = new Set<number>();
  private newestVisibleIntended = -Infinity;
  private rotation = 0;
  private readonly created = [latencyHistogram(), latencyHistogram()] as const;
  private createdSeen = 0;
  /** created_at before the intended time: the target's clock disagrees with ours (skew-tally.ts). */
  readonly createdSkew = new SkewTally();

  constructor(private readonly opts: TrackerOptions) {
    this.cursors = opts.ledger.shards.map(() => 0);
  }

  get visible(): number {
    return this.visibleByClass.anonymous + this.visibleByClass.identified;
  }

  /** Walk each shard from its cursor up to `now`: advance cursors, collect stragglers, size the window. */
  scan(now: number): ScanResult {
    const cutoff = this.newestVisibleIntended - this.opts.stragglerLagMs;
    let lo = Infinity;
    let hi = -Infinity;
    let recent = 0;
    let inFlight = 0;
    this.opts.ledger.shards.forEach((shard, worker) => {
      let prefix = true;
      for (let seq = this.cursors[worker]!; seq < shard.capacity; seq += 1) {
        const intended = shard.intendedAt(seq);
        const status = shard.status[seq]!;
        if (status === EventStatus.planned && (Number.isNaN(intended) || intended > now)) break;
        let settled = true;
        if (!shard.isVisible(seq)) {
          if (status === EventStatus.acknowledged) {
            if (intended < cutoff) this.stragglerSet.add(worker * SEQ_SPAN + seq);
            else {
              settled = false;
              recent += 1;
              lo = Math.min(lo, intended);
              hi = Math.max(hi, intended);
            }
          } else if (status === EventStatus.sent || status === EventStatus.planned) {
            settled = false;
            if (status === EventStatus.sent) inFlight += 1;
          }
        }
        if (prefix && settled) this.cursors[worker] = seq + 1;
        else prefix = false;
      }
    });
    const oldest = Math.min(lo, this.forgetSeenStragglers());
    return {
      window: recent > 0 ? [Math.floor(lo) - SLACK_MS, Math.floor(hi) + 1 + SLACK_MS] : null,
      pending: recent + this.stragglerSet.size,
      stragglers: this.stragglerSet.size,
      inFlight,
      oldestUnseenAt: oldest === Infinity ? Number.NaN : oldest,
    };
  }

  /**
   * The next batches of straggler ranges, in rotation so every straggler is asked about in turn:
   * at most `maxQueries` groups of at most `rangesPerQuery` ranges (overlapping ranges merged).
   */
  stragglerRanges(maxQueries: number, rangesPerQuery: number): TimeRange[][] {
    if (this.stragglerSet.size === 0 || maxQueries < 1) return [];
    const ranges = mergeRanges(
      [...this.stragglerSet].map((packed) => {
        const t = Math.floor(this.intendedOf(packed));
        return [t - SLACK_MS, t + 1 + SLACK_MS] as const;
      }),
    );
    const groups: TimeRange[][] = [];
    for (let i = 0; i < ranges.length; i += rangesPerQuery) groups.push(ranges.slice(i, i + rangesPerQuery));
    const take = Math.min(maxQueries, groups.length);
    const start = this.rotation % groups.length;
    this.rotation = start + take;
    return Array.from({ length: take }, (_, i) => groups[(start + i) % groups.length]!);
  }

  /**
   * Record one query's rows (uuid → how many rows, when the page that first returned it arrived,
   * its created_at). Returns how many events became visible.
   */
  record(rows: ReadonlyMap<string, SeenRow>, viaStraggler: boolean): number {
    const { ledger, runTag } = this.opts;
    let fresh = 0;
    for (const [uuid, row] of rows) {
      const id = decodeEventUuid(uuid, runTag);
      const worker = id ? workerOfLane(this.opts.shard, id.worker) : null;
      const shard = worker === null ? undefined : ledger.shards[worker];
      // A slot never planned cannot be this run's event (visible times are kept after the intended one).
      if (!id || !shard || id.seq >= shard.capacity || Number.isNaN(shard.intendedAt(id.seq))) {
        if (this.foreign.size < 10_000) this.foreign.add(uuid);
        continue;
      }
      shard.seen[id.seq] = Math.min(255, Math.max(shard.seen[id.seq]!, row.rows));
      if (shard.isVisible(id.seq)) continue;
      shard.setVisible(id.seq, row.at);
      fresh += 1;
      const cls = shard.classOf(id.seq);
      this.visibleByClass[cls] += 1;
      if (viaStraggler) this.seenAsStragglers += 1;
      const intended = shard.intendedAt(id.seq);
      if (intended > this.newestVisibleIntended) this.newestVisibleIntended = intended;
      this.opts.onVisible?.(cls, 1, shard.isMeasured(id.seq) ? 1 : 0, shard.visibleLatencyMs(id.seq), row.at);
      if (row.createdAt !== null && shard.isMeasured(id.seq)) {
        recordLatency(this.created[CLASS_CODE[cls]]!, this.createdSkew, row.createdAt - intended);
        this.createdSeen += 1;
      }
    }
    return fresh;
  }

  /**
   * created_at − intended per class, encoded (µs), or null when no row carried a created_at.
   * The target's own clock stamps created_at: no poll resolution, but any clock skew between
   * harness and target is in it, so it is reported beside the visible figures, not instead.
   */
  createdLatency(): Record<HistogramKey, string> | null {
    if (this.createdSeen === 0) return null;
    const all = latencyHistogram();
    all.add(this.created[0]);
    all.add(this.created[1]);
    return {
      all: encodeIntoCompressedBase64(all),
      anonymous: encodeIntoCompressedBase64(this.created[0]),
      identified: encodeIntoCompressedBase64(this.created[1]),
    };
  }

  private intendedOf(packed: number): number {
    const worker = Math.floor(packed / SEQ_SPAN);
    return this.opts.ledger.shard(worker).intendedAt(packed - worker * SEQ_SPAN);
  }

  /** Drops the stragglers seen since; returns the intended time of the oldest left (Infinity: none). */
  private forgetSeenStragglers(): number {
    let oldest = Infinity;
    for (const packed of this.stragglerSet) {
      const worker = Math.floor(packed / SEQ_SPAN);
      const shard = this.opts.ledger.shard(worker);
      const seq = packed - worker * SEQ_SPAN;
      if (shard.isVisible(seq)) this.stragglerSet.delete(packed);
      else oldest = Math.min(oldest, shard.intendedAt(seq));
    }
    return oldest;
  }
}

/** Sort and merge overlapping or touching half-open ranges. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}
