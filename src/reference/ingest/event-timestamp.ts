// The event's time, by PostHog's rules (ingestion timestamps.ts, now done in Rust capture):
// - `timestamp` given and `sent_at` known: now + (timestamp − sent_at), correcting the client's
//   clock skew; then a numeric `offset`, if also given, wins: now − offset.
// - `timestamp` given without `sent_at`: the timestamp as is (historical imports rely on this).
// - no `timestamp`: now − offset when `offset` is given, else now.
// `properties.$ignore_sent_at` disables the skew correction. An unparseable `sent_at` is ignored
// with a warning; a result more than 23 h in the future is clamped to now with a warning; an
// unparseable or out-of-range (year outside 0..9999) result becomes the processing time with a
// warning. `historical_migration` does not change any of this in PostHog: it only routes events.

import type { IngestionWarning } from './ingestion-warning.js';

export const FUTURE_EVENT_CUTOFF_MS = 23 * 3600 * 1000;
// Date.UTC maps years 0..99 to 1900..1999, so the bounds are spelled as ISO strings.
const MIN_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

export interface EventTimeInput {
  readonly timestamp: unknown;
  readonly offset: unknown;
  readonly sentAt: string | null;
  readonly ignoreSentAt: boolean;
  /** Capture's receive time (ms). */
  readonly nowMs: number;
  /** When the worker processes the event (ms): the fallback for an invalid timestamp. */
  readonly processedAtMs: number;
  readonly eventUuid: string;
}

export interface EventTime {
  readonly timestampMs: number;
  readonly warnings: readonly IngestionWarning[];
}

/** ISO strings and anything `Date` parses; JSON numbers are epoch milliseconds. */
export function parseEventDate(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string') return Date.parse(value);
  return NaN;
}

const NO_WARNINGS: readonly IngestionWarning[] = [];

export function eventTimestamp(input: EventTimeInput): EventTime {
  let warnings = NO_WARNINGS;
  const warn = (type: string, details: Record<string, unknown>): void => {
    warnings = [...warnings, { type, details: { eventUuid: input.eventUuid, ...details } }];
  };

  let sentAtMs: number | null = null;
  if (input.sentAt !== null && !input.ignoreSentAt) {
    sentAtMs = Date.parse(input.sentAt);
    if (Number.isNaN(sentAtMs)) {
      warn('ignored_invalid_timestamp', { field: 'sent_at', value: input.sentAt, reason: 'unparseable' });
      sentAtMs = null;
    }
  }

  const offset =
    typeof input.offset === 'number' && Number.isFinite(input.offset) && input.offset !== 0
      ? input.offset
      : null;
  let ms: number;
  // PostHog tests both fields for truthiness: a 0 or empty timestamp counts as absent.
  if (input.timestamp) {
    const parsed = parseEventDate(input.timestamp);
    if (sentAtMs === null || Number.isNaN(parsed)) ms = parsed;
    else ms = offset === null ? input.nowMs + (parsed - sentAtMs) : input.nowMs - offset;
  } else {
    ms = offset === null ? input.nowMs : input.nowMs - offset;
  }

  if (ms - input.nowMs > FUTURE_EVENT_CUTOFF_MS) {
    warn('event_timestamp_in_future', {
      timestamp: input.timestamp ?? '',
      sentAt: input.sentAt ?? '',
      offset: input.offset ?? '',
      result: new Date(ms).toISOString(),
    });
    ms = input.nowMs;
  }
  if (Number.isNaN(ms) || ms < MIN_MS || ms > MAX_MS) {
    warn('ignored_invalid_timestamp', {
      field: 'timestamp',
      value: input.timestamp ?? '',
      reason: Number.isNaN(ms) ? 'unparseable' : 'out of bounds',
    });
    ms = input.processedAtMs;
  }
  return { timestampMs: Math.round(ms), warnings };
}
