// One worker's HTTP side: sends a batch through a keep-alive undici Pool, retries 429/503 as the
// SDKs do, and records each event's outcome in the ledger, the tally and the histograms.
// Request failures are data here (counted by kind), never exceptions.

import { Pool } from 'undici';
import type { EncodedBody } from '../generate/batch-body.js';
import type { Random } from '../generate/prng.js';
import { errorKind, httpErrorKind } from './error-kind.js';
import { EventStatus, LedgerFlag, type LedgerShard } from './ledger.js';
import type { LoadHistograms } from './load-histograms.js';
import type { LoadTally, Outcome } from './load-tally.js';
import { pause, type Clock } from './precise-wait.js';
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

const STATUS_OF: Readonly<Record<Exclude<Outcome, 'sent' | 'dropped'>, number>> = {
  acknowledged: EventStatus.acknowledged,
  rejected: EventStatus.rejected,
  failed: EventStatus.failed,
};

export class BatchSender {
  /** Requests in flight, retry waits included (a batch holds its slot until its final answer). */
  inFlight = 0;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly pending = new Set<Promise<void>>();
  private slotWaiters: (() => void)[] = [];

  constructor(
    private readonly options: BatchSenderOptions,
    private readonly shard: LedgerShard,
    private readonly tally: LoadTally,
    private readonly histograms: LoadHistograms,
  ) {
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

  get hasFreeSlot(): boolean {
    return this.inFlight < this.options.maxInFlight;
  }

  /**
   * Sends events [first, end) now. Their intended times and flags are already in the ledger;
   * `batchIntendedMs` is the batch's intended send time (its last event's), for the send delay.
   */
  send(first: number, end: number, body: EncodedBody, batchIntendedMs: number): void {
    const sentAt = this.options.clock.now();
    const { shard, tally } = this;
    let identified = 0;
    let measuredByClass0 = 0;
    let measuredByClass1 = 0;
    for (let seq = first; seq < end; seq++) {
      const flags = shard.flags[seq]!;
      const isIdentified = (flags & LedgerFlag.identified) !== 0;
      if (isIdentified) identified++;
      if ((flags & LedgerFlag.measured) !== 0) {
        if (isIdentified) measuredByClass1++;
        else measuredByClass0++;
      }
      shard.status[seq] = EventStatus.sent;
    }
    tally.count(0, 'sent', end - first - identified);
    tally.count(1, 'sent', identified);
    tally.eventsSent(end - first, sentAt);
    this.histograms.recordSendDelay(0, sentAt - batchIntendedMs, measuredByClass0);
    this.histograms.recordSendDelay(1, sentAt - batchIntendedMs, measuredByClass1);
    this.inFlight++;
    const delivery = this.deliver(first, end, body).finally(() => {
      this.inFlight--;
      this.pending.delete(delivery);
      this.slotWaiters.shift()?.();
    });
    this.pending.add(delivery);
  }

  /** Resolves when a request slot is free (full-speed sending waits here instead of dropping). */
  async whenSlotFree(): Promise<void> {
    while (!this.hasFreeSlot) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  /** Waits for every batch in flight to reach its final outcome. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.drain();
    await this.pool.close();
  }

  private async deliver(first: number, end: number, body: EncodedBody): Promise<void> {
    const { clock, signal, maxRetries } = this.options;
    for (let attempt = 0; ; attempt++) {
      this.tally.requests.sent++;
      let status: number;
      let retryAfter: string | undefined;
      let answeredAt: number;
      try {
        const response = await this.pool.request({
          path: this.path,
          method: 'POST',
          headers: body.headers,
          body: body.body,
        });
        answeredAt = clock.now();
        status = response.statusCode;
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
        await response.body.dump();
      } catch (error) {
        const now = clock.now();
        this.tally.error(errorKind(error), now);
        this.finish(first, end, 'failed', now);
        return;
      }
      if (status >= 200 && status < 300) {
        this.tally.requests.ok++;
        this.finish(first, end, 'acknowledged', answeredAt);
        return;
      }
      this.tally.error(httpErrorKind(status), answeredAt);
      if ((status === 429 || status === 503) && attempt < maxRetries && !signal.aborted) {
        await pause(retryDelayMs(retryAfter, attempt, this.options.random.nextFloat(), answeredAt), signal);
        if (!signal.aborted) {
          this.tally.retries++;
          continue;
        }
      }
      this.finish(first, end, 'rejected', answeredAt);
      return;
    }
  }

  /** Final outcome of events [first, end): ack time first, status last (the poller reads status). */
  private finish(
    first: number,
    end: number,
    outcome: 'acknowledged' | 'rejected' | 'failed',
    atMs: number,
  ): void {
    const { shard } = this;
    const status = STATUS_OF[outcome];
    const acknowledged = outcome === 'acknowledged';
    let identified = 0;
    for (let seq = first; seq < end; seq++) {
      const flags = shard.flags[seq]!;
      const classCode = (flags & LedgerFlag.identified) !== 0 ? 1 : 0;
      identified += classCode;
      if (acknowledged) {
        shard.ack[seq] = atMs;
        if ((flags & LedgerFlag.measured) !== 0)
          this.histograms.recordAck(classCode, atMs - shard.intended[seq]!);
      }
      shard.status[seq] = status;
    }
    this.tally.count(0, outcome, end - first - identified);
    this.tally.count(1, outcome, identified);
    if (acknowledged) this.tally.eventsAcknowledged(end - first, atMs);
  }
}
