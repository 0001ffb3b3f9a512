// The reference event store's tables, shaped like PostHog's HogQL `events` and person tables.
// Times are integer milliseconds since the Unix epoch (UTC). `events` has no uuid key on purpose:
// like ClickHouse it keeps every row it is given (duplicates are visible to a count), and a
// random-UUID primary key would make every insert a random B-tree write in SQLite. Rows are
// clustered by rowid (insertion order) with an index on (team_id, timestamp) for range queries.
//
// Person tables follow PostHog's Postgres model: `persons` (uuid = uuidv5 of the first distinct
// id), `person_distinct_ids`, `personless_distinct_ids` (distinct ids first seen on personless
// events, so a later merge keeps their uuid or records an override), and `person_overrides`
// (old person uuid → the uuid it was merged into), which a query resolves the way PostHog's
// ClickHouse overrides do: COALESCE(override_person_id, events.person_id).

export const STORE_DDL = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL,
  uuid TEXT NOT NULL,
  event TEXT NOT NULL,
  distinct_id TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  inserted_at INTEGER NOT NULL,
  properties TEXT NOT NULL,
  person_id TEXT NOT NULL,
  person_mode TEXT NOT NULL,
  person_properties TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_team_timestamp ON events (team_id, timestamp);

CREATE TABLE IF NOT EXISTS persons (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL,
  uuid TEXT NOT NULL,
  properties TEXT NOT NULL,
  is_identified INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS persons_team_uuid ON persons (team_id, uuid);

CREATE TABLE IF NOT EXISTS person_distinct_ids (
  team_id INTEGER NOT NULL,
  distinct_id TEXT NOT NULL,
  person_id INTEGER NOT NULL,
  PRIMARY KEY (team_id, distinct_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_distinct_ids_person ON person_distinct_ids (person_id);

CREATE TABLE IF NOT EXISTS personless_distinct_ids (
  team_id INTEGER NOT NULL,
  distinct_id TEXT NOT NULL,
  is_merged INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, distinct_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS person_overrides (
  team_id INTEGER NOT NULL,
  old_person_id TEXT NOT NULL,
  override_person_id TEXT NOT NULL,
  PRIMARY KEY (team_id, old_person_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS groups (
  team_id INTEGER NOT NULL,
  group_type TEXT NOT NULL,
  group_key TEXT NOT NULL,
  properties TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, group_type, group_key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ingestion_warnings (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  event_uuid TEXT,
  details TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;

/** Columns of HogQL `events` that the query API exposes, with their HogQL types. */
export const EVENTS_COLUMNS = {
  uuid: 'UUID',
  event: 'String',
  distinct_id: 'String',
  timestamp: "DateTime64(6, 'UTC')",
  created_at: "DateTime64(6, 'UTC')",
  inserted_at: "DateTime64(6, 'UTC')",
  properties: 'String',
  person_id: 'UUID',
  person_mode: 'String',
} as const;

export type EventsColumn = keyof typeof EVENTS_COLUMNS;
