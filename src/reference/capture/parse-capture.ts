// The pure core of the capture tier: one HTTP request in, the events PostHog's capture would
// produce (or the 4xx it would answer) out. No I/O, no clock but `now`, never throws for input.
// A request is all-or-nothing: one invalid event refuses the whole request.
//
// Speed matters here (the reference target's capture tier must reach 100k events/s on 2 cores):
// the parsed JSON objects become `CapturedEvent.data` as they are, never copied or re-serialised.
// Capture only writes into them what it must: a generated `uuid`, and `event` on /engage.

import type { CapturedEvent } from '../captured-event.js';
import type { HttpRequest } from '../http-types.js';
import { badRequest, unauthorized, type CaptureRejection } from './capture-rejection.js';
import { captureRouteOf, pathOf, queryOf, type CaptureRoute } from './capture-routes.js';
import { eventTokenOf, resolveToken } from './capture-token.js';
import { generateUuidV7, normalizeUuid } from './capture-uuid.js';
import { decodePayload, payloadSourceOf } from './decode-payload.js';
import { distinctIdOf } from './distinct-id.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

export type ParseResult = { ok: true; events: CapturedEvent[]; beacon: boolean } | CaptureRejection;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Personless when `properties.$process_person_profile` is the JSON boolean false. */
export function eventClassOf(data: Readonly<Record<string, unknown>>): 'anonymous' | 'identified' {
  const properties = data['properties'];
  return isObject(properties) && properties['$process_person_profile'] === false ? 'anonymous' : 'identified';
}

interface Envelope {
  readonly events: readonly unknown[];
  readonly token: string | null;
  readonly sentAt: string | null;
  readonly historicalMigration: boolean;
}

export function parseCaptureRequest(req: HttpRequest, now: Date): ParseResult {
  const route = captureRouteOf(pathOf(req.url));
  if (route === null) return badRequest(`${pathOf(req.url)} is not a capture route: use /batch/ or /e/`);
  const query = new URLSearchParams(queryOf(req.url));

  const payload = decodePayload(payloadSourceOf(req, query, route.sizeLimit));
  if (!payload.ok) return payload;

  let json: unknown;
  try {
    json = JSON.parse(payload.text);
  } catch {
    return badRequest('failed to parse request: the payload is not valid JSON');
  }
  if (exceedsJsonDepth(json)) {
    return badRequest(`failed to parse request: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const envelope = envelopeOf(json);
  if (!('events' in envelope)) return envelope;
  if (envelope.events.length === 0) return badRequest('request holds no event: send at least one event');

  // Shape first (400), then the token (401), then per-event identity (400): PostHog's order.
  const tokens: (string | null)[] = [envelope.token];
  for (let i = 0; i < envelope.events.length; i++) {
    const event = envelope.events[i];
    const problem = shapeProblem(event, i, route);
    if (problem !== null) return badRequest(problem);
    const found = eventTokenOf(event as JsonObject, i);
    if (!found.ok) return found;
    tokens.push(found.token);
  }
  const token = resolveToken(tokens);
  if (!token.ok) return token;

  const nowIso = now.toISOString();
  const sentAt = envelope.sentAt ?? sentAtFromQuery(query.get('_'));
  const ip = req.remoteAddress === '' ? null : req.remoteAddress;
  const events: CapturedEvent[] = new Array<CapturedEvent>(envelope.events.length);
  for (let i = 0; i < envelope.events.length; i++) {
    const data = envelope.events[i] as JsonObject;
    const distinctId = distinctIdOf(data);
    if (distinctId === null) {
      return badRequest(`event ${i} has no distinct_id: set distinct_id (non-empty) on every event`);
    }
    const uuid = uuidOf(data, now);
    if (uuid === null) return badRequest(`event ${i}: \`uuid\` is not a valid UUID`);
    events[i] = {
      uuid,
      distinctId,
      token: token.token,
      now: nowIso,
      sentAt,
      ip,
      historicalMigration: envelope.historicalMigration,
      data,
    };
  }
  return { ok: true, events, beacon: query.get('beacon') === '1' };
}

/** The three body shapes: an array of events, a batch object, or one event. */
function envelopeOf(json: unknown): Envelope | CaptureRejection {
  if (Array.isArray(json)) return { events: json, token: null, sentAt: null, historicalMigration: false };
  if (!isObject(json)) {
    return badRequest('failed to parse request: expected a JSON object or array of events');
  }
  if (!('batch' in json)) return { events: [json], token: null, sentAt: null, historicalMigration: false };

  const { batch, sent_at: sentAt, historical_migration: historical } = json;
  if (!Array.isArray(batch)) return badRequest('`batch` must be an array of events');
  let token: string | null = null;
  for (const field of ['api_key', 'token'] as const) {
    const value = json[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return badRequest(`\`${field}\` must be a string`);
    if (token !== null && token !== value.trim()) {
      return unauthorized('batch carries different `api_key` and `token` values: send one project token');
    }
    token = value.trim();
  }
  if (sentAt !== undefined && sentAt !== null && typeof sentAt !== 'string') {
    return badRequest('`sent_at` must be an ISO 8601 string');
  }
  if (historical !== undefined && historical !== null && typeof historical !== 'boolean') {
    return badRequest('`historical_migration` must be a boolean');
  }
  return {
    events: batch,
    token,
    sentAt: typeof sentAt === 'string' ? isoOrNull(sentAt) : null,
    historicalMigration: historical === true,
  };
}

/** What is wrong with the JSON types of one event, or null. Fills `event` on /engage. */
function shapeProblem(event: unknown, index: number, route: CaptureRoute): string | null {
  if (!isObject(event)) return `event ${index} is not a JSON object`;
  const name = event['event'];
  if (name === undefined || name === null) {
    if (!route.engage) return `event ${index} has no \`event\` name: every event needs one`;
    event['event'] = '$identify';
  } else if (typeof name !== 'string') {
    return `event ${index}: \`event\` must be a string`;
  } else if (name === '') {
    return `event ${index} has an empty \`event\` name`;
  }
  const properties = event['properties'];
  if (properties !== undefined && !isObject(properties)) {
    return `event ${index}: \`properties\` must be an object`;
  }
  const uuid = event['uuid'];
  if (uuid !== undefined && uuid !== null && typeof uuid !== 'string') {
    return `event ${index}: \`uuid\` must be a string`;
  }
  const timestamp = event['timestamp'];
  if (timestamp !== undefined && timestamp !== null && typeof timestamp !== 'string') {
    return `event ${index}: \`timestamp\` must be an ISO 8601 string`;
  }
  const offset = event['offset'];
  if (offset !== undefined && offset !== null && !Number.isSafeInteger(offset)) {
    return `event ${index}: \`offset\` must be an integer (milliseconds)`;
  }
  for (const field of ['$set', '$set_once'] as const) {
    const value = event[field];
    if (value !== undefined && value !== null && !isObject(value)) {
      return `event ${index}: \`${field}\` must be an object`;
    }
  }
  return null;
}

/** The event's uuid, canonical; generated (and written into the event) when absent or empty. */
function uuidOf(event: JsonObject, now: Date): string | null {
  const sent = event['uuid'];
  if (typeof sent === 'string' && sent !== '') return normalizeUuid(sent);
  const uuid = generateUuidV7(now.getTime());
  event['uuid'] = uuid;
  return uuid;
}

function isoOrNull(text: string): string | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

// posthog-js puts its send time in `?_=` (ms). Values that read as before 2021 are older SDKs
// sending seconds: PostHog ignores them, and so does this.
const EARLIEST_QUERY_SENT_AT_MS = Date.UTC(2021, 0, 1);

function sentAtFromQuery(value: string | null): string | null {
  if (value === null || !/^\d{1,16}$/.test(value)) return null;
  const ms = Number(value);
  return ms >= EARLIEST_QUERY_SENT_AT_MS && ms <= 8.64e15 ? new Date(ms).toISOString() : null;
}
