// How one capture request's events are serialised into a queue row. The fields capture sets per
// request (token, receive time, sent_at, ip, historical flag) are written once per row instead of
// once per event: the queue's cost is bytes written and fsynced, and these are a third of them.

import type { CapturedEvent } from '../captured-event.js';

type Meta = [
  token: string,
  now: string,
  sentAt: string | null,
  ip: string | null,
  historicalMigration: boolean,
];
type Compact = [uuid: string, distinctId: string, data: CapturedEvent['data']];

interface SharedRow {
  readonly m: Meta;
  readonly e: readonly Compact[];
}
interface FullRow {
  readonly f: readonly CapturedEvent[];
}

export function encodeQueueRow(events: readonly CapturedEvent[]): string {
  const first = events[0];
  if (first === undefined) return '{"f":[]}';
  for (const e of events) {
    if (
      e.token !== first.token ||
      e.now !== first.now ||
      e.sentAt !== first.sentAt ||
      e.ip !== first.ip ||
      e.historicalMigration !== first.historicalMigration
    ) {
      return JSON.stringify({ f: events } satisfies FullRow);
    }
  }
  const row: SharedRow = {
    m: [first.token, first.now, first.sentAt, first.ip, first.historicalMigration],
    e: events.map((e): Compact => [e.uuid, e.distinctId, e.data]),
  };
  return JSON.stringify(row);
}

export function decodeQueueRow(json: string): CapturedEvent[] {
  const row = JSON.parse(json) as SharedRow | FullRow;
  if ('f' in row) return [...row.f];
  const [token, now, sentAt, ip, historicalMigration] = row.m;
  return row.e.map(([uuid, distinctId, data]) => ({
    uuid,
    distinctId,
    token,
    now,
    sentAt,
    ip,
    historicalMigration,
    data,
  }));
}
