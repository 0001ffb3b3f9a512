// What one ingested batch did, for the pipeline's metrics and the cost probes: events stored per
// class, events dropped and why, person and store work, and the CPU each class used.

export interface BatchOutcome {
  /**
   * Events stored, by the class they were processed as (a duplicated event counts once here):
   * force-upgraded events count as identified, an opted-out project's events as anonymous.
   */
  readonly ingested: { readonly anonymous: number; readonly identified: number };
  /** Sent personless, processed as identified: their distinct id's person was over a minute older. */
  readonly forceUpgraded: number;
  /** Sent as person events by a project that opted out of person processing: processed personless. */
  readonly personProcessingOptedOut: number;
  readonly dropped: {
    /** Well-formed token that names no project: PostHog acknowledges at capture, drops here. */
    readonly unknownToken: number;
    /** $identify, $create_alias, $merge_dangerously, $groupidentify sent personless. */
    readonly personlessPersonEvent: number;
    /** The same events sent as person events by a project that opted out of person processing. */
    readonly personProcessingDisabled: number;
    /** No event name, or a $groupidentify with an over-long key or a non-object $group_set. */
    readonly invalid: number;
    /** The drop fault: acknowledged, then not stored. */
    readonly fault: number;
  };
  /** The duplicate fault: events stored twice. */
  readonly duplicated: number;
  /**
   * Merges refused (the event itself is stored, as in PostHog): an illegal distinct id on either
   * side, or the other person already identified (and the event not $merge_dangerously).
   */
  readonly mergesRefused: { readonly illegalDistinctId: number; readonly alreadyIdentified: number };
  /** Ingestion warnings recorded, by PostHog warning type. */
  readonly warnings: Readonly<Record<string, number>>;
  /** Person rows fetched from the store (cache misses that found a person). */
  readonly personRowsRead: number;
  /** Rows written to persons, person_distinct_ids and personless_distinct_ids. */
  readonly personRowsWritten: number;
  /** Rows written to `events` (duplicates included). */
  readonly storeRowsWritten: number;
  /** process.cpuUsage() user+system spent on each class's events, µs. */
  readonly cpuMicros: { readonly anonymous: number; readonly identified: number };
  /** When the batch's transaction committed (ms, batch clock): its rows became visible then. */
  readonly committedAt: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
export type OutcomeBuilder = Mutable<Omit<BatchOutcome, 'warnings'>> & { warnings: Record<string, number> };

export function emptyOutcome(): OutcomeBuilder {
  return {
    ingested: { anonymous: 0, identified: 0 },
    forceUpgraded: 0,
    personProcessingOptedOut: 0,
    dropped: { unknownToken: 0, personlessPersonEvent: 0, personProcessingDisabled: 0, invalid: 0, fault: 0 },
    duplicated: 0,
    mergesRefused: { illegalDistinctId: 0, alreadyIdentified: 0 },
    warnings: {},
    personRowsRead: 0,
    personRowsWritten: 0,
    storeRowsWritten: 0,
    cpuMicros: { anonymous: 0, identified: 0 },
    committedAt: 0,
  };
}
