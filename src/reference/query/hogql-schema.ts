// What HogQL names mean in the store: each `events` column the query API exposes, mapped to a
// fixed SQL fragment, the kind of value it holds (for type checks and literal conversion), and
// the ClickHouse type PostHog reports for it in `types`. User text never becomes SQL: a name is
// looked up here, and a name that is not here is an error.

import { EVENTS_COLUMNS } from '../store/schema.js';

/** What a compiled expression holds, for checking comparisons and converting literals. */
export type ValueKind = 'time' | 'string' | 'uuid' | 'json' | 'number' | 'bool';

/** How a result cell is turned from SQLite's value into what PostHog's API returns. */
export type CellDecoder = 'raw' | 'time' | 'json';

export interface ColumnSpec {
  readonly sql: string;
  readonly kind: ValueKind;
  readonly type: string;
  readonly cell: CellDecoder;
  /** Costs more than reading a column (a correlated subquery). */
  readonly costly: boolean;
}

/**
 * person_id the way PostHog's default persons-on-events mode reads it: the person an event was
 * written with, unless that person was merged since, in which case the override (the person it
 * was merged into). The ingest side keeps person_overrides (see store/schema.ts).
 */
const PERSON_ID_SQL =
  'COALESCE((SELECT o.override_person_id FROM person_overrides o ' +
  'WHERE o.team_id = events.team_id AND o.old_person_id = events.person_id), events.person_id)';

const column = (
  sql: string,
  kind: ValueKind,
  type: string,
  cell: CellDecoder = 'raw',
  costly = false,
): ColumnSpec => ({ sql, kind, type, cell, costly });

export const QUERY_COLUMNS: ReadonlyMap<string, ColumnSpec> = new Map([
  ['uuid', column('events.uuid', 'uuid', EVENTS_COLUMNS.uuid)],
  ['event', column('events.event', 'string', EVENTS_COLUMNS.event)],
  ['distinct_id', column('events.distinct_id', 'string', EVENTS_COLUMNS.distinct_id)],
  ['timestamp', column('events.timestamp', 'time', EVENTS_COLUMNS.timestamp, 'time')],
  ['created_at', column('events.created_at', 'time', EVENTS_COLUMNS.created_at, 'time')],
  ['inserted_at', column('events.inserted_at', 'time', EVENTS_COLUMNS.inserted_at, 'time')],
  ['properties', column('events.properties', 'string', EVENTS_COLUMNS.properties)],
  ['person_id', column(PERSON_ID_SQL, 'uuid', EVENTS_COLUMNS.person_id, 'raw', true)],
  ['person_mode', column('events.person_mode', 'string', EVENTS_COLUMNS.person_mode)],
  ['person_properties', column('events.person_properties', 'string', 'String')],
]);

/** The JSON text columns a `properties.x`-style lookup can read. */
export type JsonColumn = 'properties' | 'person_properties';

export const JSON_COLUMN_SQL: Readonly<Record<JsonColumn, string>> = {
  properties: 'events.properties',
  person_properties: 'events.person_properties',
};

/** PostHog reads a property as Nullable(String); this target keeps the JSON type of the value. */
export const PROPERTY_TYPE = 'Nullable(String)';

export const DATETIME_TYPE = "DateTime64(6, 'UTC')";

/**
 * The SQLite JSON path for a property chain: every step a quoted label with JSON escapes, so a
 * name with dots, brackets or quotes addresses exactly that key. The path is a bound parameter.
 */
export function jsonPath(names: readonly string[]): string {
  return '$' + names.map((name) => '.' + JSON.stringify(name)).join('');
}
