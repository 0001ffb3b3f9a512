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

export const QUERY_COLUMNS: ReadonlyMap<string, ColumnSpec> = new Map<string, ColumnSpec>([
  ['uuid', { sql: 'events.uuid', kind: 'uuid', type: EVENTS_COLUMNS.uuid, cell: 'raw', costly: false }],
  ['event', { sql: 'events.event', kind: 'string', type: EVENTS_COLUMNS.event, cell: 'raw', costly: false }],
  [
    'distinct_id',
    {
      sql: 'events.distinct_id',
      kind: 'string',
      type: EVENTS_COLUMNS.distinct_id,
      cell: 'raw',
      costly: false,
    },
  ],
  [
    'timestamp',
    { sql: 'events.timestamp', kind: 'time', type: EVENTS_COLUMNS.timestamp, cell: 'time', costly: false },
  ],
  [
    'created_at',
    { sql: 'events.created_at', kind: 'time', type: EVENTS_COLUMNS.created_at, cell: 'time', costly: false },
  ],
  [
    'inserted_at',
    {
      sql: 'events.inserted_at',
      kind: 'time',
      type: EVENTS_COLUMNS.inserted_at,
      cell: 'time',
      costly: false,
    },
  ],
  [
    'properties',
    { sql: 'events.properties', kind: 'string', type: EVENTS_COLUMNS.properties, cell: 'raw', costly: false },
  ],
  [
    'person_id',
    { sql: PERSON_ID_SQL, kind: 'uuid', type: EVENTS_COLUMNS.person_id, cell: 'raw', costly: true },
  ],
  [
    'person_mode',
    {
      sql: 'events.person_mode',
      kind: 'string',
      type: EVENTS_COLUMNS.person_mode,
      cell: 'raw',
      costly: false,
    },
  ],
  [
    'person_properties',
    { sql: 'events.person_properties', kind: 'string', type: 'String', cell: 'raw', costly: false },
  ],
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
