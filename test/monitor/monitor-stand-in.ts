// The in-process capture and query API the virtual-clock monitor tests run against: capture
// decodes each batch into a store the test fills as it likes, and the query API answers a monitor
// poll (uuid, timestamp, created_at over the poll's time range) from that store as of `now`.

import { gunzipSync } from 'node:zlib';
import type { EncodedBody } from '../../src/generate/batch-body.js';
import type { QueryLimits } from '../../src/observe/query-budget.js';
import { createKeyBudget, type KeyBudget } from '../../src/observe/key-budget.js';
import type { QueryClient, QueryResponse } from '../../src/observe/query-client.js';

export interface StoredEvent {
  readonly uuid: string;
  readonly intendedMs: number;
  /** When the query API starts to return it. */
  readonly visibleAt: number;
  /** Acknowledged by capture, never stored. */
  readonly dropped?: boolean;
}

/** The events of a batch capture received: uuid and intended time (the event's timestamp). */
export function capturedEvents(encoded: EncodedBody): { uuid: string; intendedMs: number }[] {
  const text = typeof encoded.body === 'string' ? encoded.body : gunzipSync(encoded.body).toString('utf8');
  const { batch } = JSON.parse(text) as { batch: { uuid: string; timestamp: string }[] };
  return batch.map((e) => ({ uuid: e.uuid, intendedMs: Date.parse(e.timestamp) }));
}

/** The intended-time range [from, to) a monitor poll asks for. */
export function polledRange(hogql: string): [number, number] {
  const [from, to] = [...hogql.matchAll(/timestamp [<>]=? toDateTime\('([^']+)'\)/g)].map((m) =>
    Date.parse(m[1]!),
  );
  return [from!, to!];
}

/** A poll's answer: the stored events of the range that are visible by `now`, at most `limit`. */
export function pollAnswer(events: Iterable<StoredEvent>, now: number, limit = Infinity): QueryResponse {
  const results: unknown[][] = [];
  for (const e of events) {
    if (results.length >= limit) break;
    if (!e.dropped && e.visibleAt <= now)
      results.push([e.uuid, new Date(e.intendedMs).toISOString(), new Date(e.visibleAt).toISOString()]);
  }
  return {
    results,
    columns: ['uuid', 'timestamp', 'created_at'],
    hasMore: false,
    sentAt: now,
    receivedAt: now,
  };
}

/**
 * A query client over the test's own answer: it spends nothing of `budget` itself (a test that
 * checks the budget does so in `answer`), records when each query was asked, and counts one that
 * `answer` rejects as failed.
 */
export function standInClient(
  limits: QueryLimits,
  clock: { now(): number },
  answer: (hogql: string, now: number) => Promise<QueryResponse>,
): { readonly client: QueryClient; readonly budget: KeyBudget; readonly queryTimes: readonly number[] } {
  const budget = createKeyBudget(limits);
  const queryTimes: number[] = [];
  let failed = 0;
  const client: QueryClient = {
    budget,
    preflight: () => Promise.resolve(),
    stats: () => ({
      queries: queryTimes.length,
      failed,
      throttled: 0,
      peakPerMinute: 0,
      peakPerHour: 0,
      limits,
    }),
    query(hogql) {
      const now = clock.now();
      queryTimes.push(now);
      return answer(hogql, now).catch((error: unknown) => {
        failed += 1;
        throw error;
      });
    },
  };
  return { client, budget, queryTimes };
}
