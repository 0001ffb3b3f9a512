// An ingestion warning, as PostHog records them for a project (ingestion_warnings in ClickHouse):
// a stable type name and details that say which event and value caused it. The reference target
// keeps them in the store's ingestion_warnings table and counts them per type in each outcome.

export interface IngestionWarning {
  /** PostHog's warning type, e.g. `cannot_merge_already_identified`. */
  readonly type: string;
  readonly details: Readonly<Record<string, unknown>>;
}
