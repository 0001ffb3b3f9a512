// One worker's HTTP side: sends a batch through a keep-alive undici Pool, retries 429/503 as the
// SDKs do, and records each event's outcome in the ledger, the tally and the histograms.
// Request failures are data here (counted by kind), never exceptions.

import { Pool, type Dispatcher } from 'undici';
import type { EncodedBody } from '../generate/batch-body.js';
import type { Random } from '../generate/prng.js';
import { BucketField, type BucketCountsWriter } from './bucket-counts.js';
import { errorKind, httpErrorKind } from './error-kind.js';
import { EventStatus, LedgerFlag, type LedgerShard } from './ledger.js';
import type { LoadHistograms } from '../core/latency-histogram.js';
import type { LoadTally, Outcome } from './load-tally.js';
import type { Clock } from '../clock.js';
import { Semaphore } from '../core/semaphore.js';
import { pause } from './precise-wait.js';
import { retryDelayMs } from './retry-delay.js';

export interface BatchSenderOptions {
  /** Capture base URL; the endpoint is appended to its path. */
  readonly captureUrl: string;
  /** A capture path: the scenario's endpoint, or another route for benches. */
  readonly endpoint: string;
  readonly maxInFlight: number;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly clock: Clock;
  /** Aborting cuts retry waits short; requests already on the wire run to their answer or timeout. */
  readonly signal: AbortSignal;
  /** Jitter for retry back-off. */
  readonly random: Random;
}

/** Intended times and ledger flags of a batch's events, in seq order (index 0 = its first). */
export interface BatchEvents {
  readonly intended: readonly number[];
  readonly flags: readonly number[];
}

const STATUS_OF: Readonly<Record<Exclude<Outcome, 'sent' | 'dropped'>, number>> = {
  acknowledged: EventStatus.acknowledged,
  rejected: EventStatus.rejected,
  failed: EventStatus.failed,
};

export class BatchSender {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly pending = new Set<Promise<void>>();
  /** A batch holds its slot until its final answer, retry waits included. */
  private readonly slots: Semaphore;
  private readonly ackRuns: AckRuns;

  constructor(
    private readonly options: BatchSenderOptions,
    /** The per-event ledger (exact observation), or null: the batch carries what is needed. */
    private readonly shard: LedgerShard | null,
    private readonly tally: LoadTally,
    private readonly histograms: LoadHistograms,
    /** Per-bucket counters (counts observation), or null. */
    private readonly buckets: BucketCountsWriter | null = null,
  ) {
    this.slots = new Semaphore(options.maxInFlight);
    this.ackRuns = new AckRuns(histograms);
    const url = new URL(options.captureUrl);
    this.path = url.pathname.replace(/\/+$/, '') + options.endpoint;
    this.pool = new Pool(url.origin, {
      connections: options.maxInFlight,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      connectTimeout: options.requestTimeoutMs,
    });
  }

  /** Requests in flight, retry waits included. */
  get inFlight(): number {
    return this.slots.running;
  }

  get hasFreeSlot(): boolean {
    return this.slots.running < this.slots.capacity;
  }

  /**
   * Sends events [first, end) now. Their intended times and flags are already in the ledger;
   * `batchIntendedMs` is the batch's intended send time (its last event's), for the send delay.
   */
  send(first: number, end: number, body: EncodedBody, batchIntendedMs: number, batch: BatchEvents): void {
    const release = this.slots.tryAcquire();
    if (release === null)
      throw new Error('BatchSender.send called with every request slot taken (check hasFreeSlot first)');
    const sentAt = this.options.clock.now();
    const { shard, buckets, tally } = this;
    let identified = 0;
    let measuredByClass0 = 0;
    let measuredByClass1 = 0;
    for (let seq = first; seq < end; seq++) {
      const flags = batch.flags[seq - first]!;
      const isIdentified = (flags & LedgerFlag.identified) !== 0;
      if (isIdentified) identified++;
      if ((flags & LedgerFlag.measured) !== 0) {
        if (isIdentified) measuredByClass1++;
        else measuredByClass0++;
      }
      if (shard) shard.status[seq] = EventStatus.sent;
      buckets?.count(isIdentified ? 1 : 0, batch.intended[seq - first]!, BucketField.sent);
      if ((flags & LedgerFlag.measured) !== 0)
        buckets?.count(isIdentified ? 1 : 0, batch.intended[seq - first]!, BucketField.sentMeasured);
    }
    buckets?.flush();
    tally.count(0, 'sent', end - first - identified);
    tally.count(1, 'sent', identified);
    tally.eventsSent(end - first, sentAt);
    tally.sendDelay(sentAt - batchIntendedMs);
    this.histograms.recordSendDelay(0, sentAt - batchIntendedMs, measuredByClass0);
    this.histograms.recordSendDelay(1, sentAt - batchIntendedMs, measuredByClass1);
    const delivery = this.deliver(first, end, body, batch).finally(() => {
      this.pending.delete(delivery);
      release();
    });
    this.pending.add(delivery);
  }

  /**
   * Resolves when a request slot is free (full-speed sending waits here instead of dropping), or
   * as soon as `signal` aborts.
   */
  async whenSlotFree(signal?: AbortSignal): Promise<void> {
    // Waits in line for a slot and hands it straight back: the one sender loop sends next.
    (await this.slots.acquire(signal))?.();
  }

  /** Waits for every batch in flight to reach its final outcome. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.drain();
    await this.pool.close();
  }

  private async deliver(first: number, end: number, body: EncodedBody, batch: BatchEvents): Promise<void> {
    const { signal, maxRetries } = this.options;
    for (let attempt = 0; ; attempt++) {
      this.tally.requests.sent++;
      let answer: Answer;
      try {
        answer = await this.request(body);
      } catch (error) {
        const now = this.options.clock.now();
        this.tally.error(errorKind(error), now);
        this.finish(first, end, batch, 'failed', now);
        return;
      }
      const { status, answeredAt } = answer;
      if (status >= 200 && status < 300) {
        this.tally.requests.ok++;
        this.finish(first, end, batch, 'acknowledged', answeredAt);
        return;
      }
      this.tally.error(httpErrorKind(status), answeredAt);
      if ((status === 429 || status === 503) && attempt < maxRetries && !signal.aborted) {
        await pause(
          retryDelayMs(answer.retryAfter, attempt, this.options.random.nextFloat(), answeredAt),
          signal,
        );
        if (!signal.aborted) {
          this.tally.retries++;
          continue;
        }
      }
      this.finish(first, end, batch, 'rejected', answeredAt);
      return;
    }
  }

  /**
   * One HTTP attempt through the dispatcher API rather than pool.request: only the status and
   * Retry-After matter and the body (a short JSON status) goes by unread, so there is no response
   * object, Readable body stream and dump() per request, work that full-speed sending paid for
   * every batch.
   */
  private request(body: EncodedBody): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.pool.dispatch(
        { path: this.path, method: 'POST', headers: body.headers, body: body.body },
        new AnswerHandler(this.options.clock, resolve, reject),
      );
    });
  }

  /** Final outcome of events [first, end): ack time first, status last (the poller reads status). */
  private finish(
    first: number,
    end: number,
    batch: BatchEvents,
    outcome: 'acknowledged' | 'rejected' | 'failed',
    atMs: number,
  ): void {
    const { shard, buckets } = this;
    const code = STATUS_OF[outcome];
    const acknowledged = outcome === 'acknowledged';
    const runs = this.ackRuns;
    if (acknowledged) runs.begin(atMs);
    let identified = 0;
    for (let seq = first; seq < end; seq++) {
      const eventFlags = batch.flags[seq - first]!;
      const intendedMs = batch.intended[seq - first]!;
      const classCode = (eventFlags & LedgerFlag.identified) === 0 ? 0 : 1;
      const measured = (eventFlags & LedgerFlag.measured) !== 0;
      identified += classCode;
      if (acknowledged) {
        if (shard) shard.setAck(seq, atMs);
        if (measured) runs.add(classCode, intendedMs);
        if (buckets) {
          buckets.count(classCode, intendedMs, BucketField.acknowledged);
          if (measured) buckets.count(classCode, intendedMs, BucketField.acknowledgedMeasured);
        }
      } else {
        buckets?.count(
          classCode,
          intendedMs,
          outcome === 'failed' ? BucketField.failed : BucketField.rejected,
        );
      }
      if (shard) shard.status[seq] = code;
    }
    if (acknowledged) runs.end();
    else buckets?.unacknowledged(first, end);
    // Counters before the tally: a reader that sees the tally's acks finds them in the buckets.
    buckets?.flush();
    this.tally.count(0, outcome, end - first - identified);
    this.tally.count(1, outcome, identified);
    if (acknowledged) this.tally.eventsAcknowledged(end - first, atMs);
  }
}

/** Status and Retry-After of one answer, and when its headers arrived. */
interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly answeredAt: number;
}

/** Resolves with the answer once its body has gone by unread; rejects on a network error. */
class AnswerHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private retryAfter: string | undefined;
  private answeredAt = 0;

  constructor(
    private readonly clock: Clock,
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  // undici tells the handler APIs apart by this method: without it the handler is taken for a
  // legacy one (onHeaders, onComplete) and never hears of its answer.
  onRequestStart(): void {}

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.answeredAt = this.clock.now();
    this.status = statusCode;
    const header = headers['retry-after'];
    this.retryAfter = Array.isArray(header) ? header[0] : header;
  }

  onResponseData(): void {
    // The body is discarded.
  }

  onResponseEnd(): void {
    this.resolve({ status: this.status, retryAfter: this.retryAfter, answeredAt: this.answeredAt });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(error);
  }
}

/**
 * Ack latencies of one batch, grouped into runs of events of one class with the same intended
 * time: they share the ack time, so each run is one histogram record with a count. At full speed
 * a batch has one intended time (two records per batch instead of one per event); in timed runs
 * every event has its own intended time and a run is one event, exactly as before.
 */
class AckRuns {
  private atMs = NaN;
  private readonly intendedMs = [NaN, NaN];
  private readonly length = [0, 0];

  constructor(private readonly histograms: LoadHistograms) {}

  /** Starts a batch acknowledged at `atMs`. */
  begin(atMs: number): void {
    this.atMs = atMs;
  }

  add(classCode: 0 | 1, intendedMs: number): void {
    if (this.length[classCode] !== 0 && intendedMs === this.intendedMs[classCode]) {
      this.length[classCode]!++;
      return;
    }
    this.record(classCode);
    this.intendedMs[classCode] = intendedMs;
    this.length[classCode] = 1;
  }

  /** Records the batch's last runs. */
  end(): void {
    this.record(0);
    this.record(1);
  }

  private record(classCode: 0 | 1): void {
    const events = this.length[classCode]!;
    if (events === 0) return;
    this.histograms.recordAck(classCode, this.atMs - this.intendedMs[classCode]!, events);
    this.length[classCode] = 0;
  }
}
