// One line of a recorded events file → the events it holds, checked, or an error that names the
// file and line. Two kinds of line, told apart by their fields:
// - a PostHog event as the query API or a batch export gives it: `event`, `distinct_id`,
//   `properties` (an object, or a JSON string as HogQL returns the column), `timestamp`, optional
//   `uuid` (dropped: the replay stamps its own), `$set`/`$set_once` (a batch export's `set` and
//   `set_once`, posthog/batch_exports/sql/events_*.sql), `elements_chain` (a HogQL column that
//   capture takes as `properties.$elements_chain`);
// - a line of PostHog's requests_dump.jsonl (`path`, `method`, `content_type`, `body` in base64,
//   `now`): one captured HTTP request, decoded and parsed by the reference target's own capture
//   code, so every encoding capture accepts is accepted here and no second decoder exists. Its
//   events' times follow PostHog's rules (timestamp, offset, sent_at, now: event-timestamp.ts).
// Blank lines and `#` comment lines (requests_dump's section headers) hold no event.

import { IngestbenchError } from '../errors.js';
import { parseCaptureRequest } from '../reference/capture/parse-capture.js';
import { eventTimestamp } from '../reference/ingest/event-timestamp.js';

type JsonObject = Record<string, unknown>;

export interface RecordedEvent {
  readonly event: string;
  /** As recorded (stringified); the replay salts it per run. */
  readonly distinctId: string;
  readonly properties: JsonObject;
  readonly set: JsonObject | null;
  readonly setOnce: JsonObject | null;
  /** When it happened, unix ms: its place in the recording's timeline. */
  readonly timestampMs: number;
  /** PostHog's rule: personless only when `properties.$process_person_profile` is JSON false. */
  readonly identified: boolean;
}

const NO_EVENTS: readonly RecordedEvent[] = [];

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The events of one line; `where` is `file:line` for messages. */
export function parseReplayLine(text: string, where: string): readonly RecordedEvent[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return NO_EVENTS;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    throw invalid(where, `not JSON (${(error as Error).message})`, error);
  }
  if (!isObject(json))
    throw invalid(where, 'a line must be a JSON object (one event, or one requests_dump request)');
  if (typeof json['body'] === 'string' && typeof json['path'] === 'string') return dumpedRequest(json, where);
  return [recordedEvent(json, where, null)];
}

/** A PostHog event object; `timestampMs` is given for events of a dumped request. */
function recordedEvent(json: JsonObject, where: string, timestampMs: number | null): RecordedEvent {
  const event = json['event'];
  if (typeof event !== 'string' || event === '') throw invalid(where, '`event` must be a non-empty string');
  const properties = objectField(json, 'properties', where) ?? {};
  const id = json['distinct_id'] ?? properties['distinct_id'];
  const distinctId = typeof id === 'number' ? String(id) : id;
  if (typeof distinctId !== 'string' || distinctId === '') {
    throw invalid(where, '`distinct_id` must be a non-empty string or a number');
  }
  const chain = json['elements_chain'];
  if (typeof chain === 'string' && chain !== '' && properties['$elements_chain'] === undefined) {
    properties['$elements_chain'] = chain;
  }
  const ms = timestampMs ?? timestampOf(json['timestamp'], where);
  return {
    event,
    distinctId,
    properties,
    set: objectField(json, '$set', where) ?? objectField(json, 'set', where),
    setOnce: objectField(json, '$set_once', where) ?? objectField(json, 'set_once', where),
    timestampMs: ms,
    identified: properties['$process_person_profile'] !== false,
  };
}

function dumpedRequest(json: JsonObject, where: string): readonly RecordedEvent[] {
  const nowMs = timestampOf(json['now'], where, 'now');
  const header = (name: string): string | undefined => {
    const value = json[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const parsed = parseCaptureRequest(
    {
      method: header('method') ?? 'POST',
      url: json['path'] as string,
      headers: { 'content-type': header('content_type'), 'content-encoding': header('content_encoding') },
      body: Buffer.from(json['body'] as string, 'base64'),
      remoteAddress: header('ip') ?? '',
    },
    new Date(nowMs),
  );
  if (!parsed.ok) {
    throw invalid(where, `capture would refuse this recorded request (${parsed.status}: ${parsed.message})`);
  }
  return parsed.events.map((captured) => {
    const data = captured.data as JsonObject;
    const properties = isObject(data['properties']) ? data['properties'] : {};
    const time = eventTimestamp({
      timestamp: data['timestamp'],
      offset: data['offset'],
      sentAt: captured.sentAt,
      ignoreSentAt: properties['$ignore_sent_at'] === true,
      nowMs,
      processedAtMs: nowMs,
      eventUuid: captured.uuid,
    });
    return recordedEvent({ ...data, distinct_id: captured.distinctId }, where, time.timestampMs);
  });
}

/** An object field, also given as a JSON string (HogQL returns `properties` as text). */
function objectField(json: JsonObject, field: string, where: string): JsonObject | null {
  let value = json[field];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalid(where, `\`${field}\` is a string that is not JSON: give an object or its JSON text`);
    }
  }
  if (!isObject(value)) throw invalid(where, `\`${field}\` must be a JSON object`);
  // A copy: the replay edits properties (salted ids, its own tags), and rows may share objects.
  return { ...value };
}

// ClickHouse prints DateTime64 without a zone ("2024-05-01 12:00:00.123456"), and it is UTC;
// Date.parse would read such text as local time.
const ZONELESS = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/;

function timestampOf(value: unknown, where: string, field = 'timestamp'): number {
  let ms = NaN;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string')
    ms = Date.parse(ZONELESS.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  if (!Number.isFinite(ms)) {
    throw invalid(
      where,
      `\`${field}\` must be an ISO 8601 time or unix milliseconds, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

function invalid(where: string, what: string, cause?: unknown): IngestbenchError {
  return new IngestbenchError(
    'REPLAY_INVALID',
    `${where}: ${what}. Fix or remove the line; nothing was sent`,
    cause === undefined ? undefined : { cause },
  );
}
