// What capture hands to the durable queue: one accepted event, in the shape PostHog's capture
// service produces (see fixtures/posthog-capture `output`). The ingestion worker reads these back.

export interface CapturedEvent {
  /** The event's uuid: from the request when present (validated), else a generated UUIDv7. */
  readonly uuid: string;
  /** distinct_id after capture's rules: stringified, cut to 200 chars, never empty. */
  readonly distinctId: string;
  /** The project token the event was sent with (already checked for shape and consistency). */
  readonly token: string;
  /** Capture's receive time, ISO 8601 UTC. */
  readonly now: string;
  /** The request's sent_at, ISO 8601, or null when the request had none. */
  readonly sentAt: string | null;
  readonly ip: string | null;
  readonly historicalMigration: boolean;
  /**
   * The event JSON exactly as sent (with `uuid` filled in when capture generated it): `event`,
   * `properties`, `timestamp`, `offset`, `$set`, `$set_once`, … Fixture `output[].data` parsed.
   */
  readonly data: Readonly<Record<string, unknown>>;
}
