// A recorded event re-stamped for this run: its own uuid (the run's encoded UUIDv7, so the poller
// maps each row to its ledger slot), its intended send time as `timestamp`, the `ingestbench_*`
// tags every run's events carry, and distinct ids salted per run and per pass over the file.
// Everything else is kept as recorded, with two exceptions: `token` (the recording project's; a
// token in the event that differs from the batch's makes capture refuse the request) and
// recorded `ingestbench_*` properties (a file recorded from an earlier run carries that run's).
//
// Why salt, and per pass: PostHog force-upgrades a personless event whose distinct id already has
// a person (DESIGN.md), so a rerun, or the second pass of a looping replay, that reused the ids
// of a user who identified in the first would turn that user's anonymous events into identified
// ones. The ids that name a person are salted alike, so merges stay merges: `distinct_id`,
// `properties.distinct_id`, `$anon_distinct_id` ($identify) and `alias` ($create_alias).

import type { RecordedEvent } from './replay-record.js';

/** Properties that hold a distinct id. */
const ID_PROPERTIES = ['distinct_id', '$anon_distinct_id', 'alias'] as const;
/** Properties the replay does not carry over. */
const DROPPED_PROPERTIES = new Set(['token', '$token']);

export interface ReplayStamp {
  readonly uuid: string;
  /** Intended send time, ISO 8601. */
  readonly timestamp: string;
  readonly runId: string;
  /** Prefix of every distinct id of this pass (see replaySalt). */
  readonly salt: string;
  /** `ingestbench_seq`: the event's place in the replay (pass × events per pass + index). */
  readonly seq: number;
}

/** The distinct-id prefix of one pass over the file: run and pass, short. */
export function replaySalt(runSalt: string, pass: number): string {
  return `ib-${runSalt}-${pass.toString(36)}-`;
}

export function renderReplayEvent(record: RecordedEvent, stamp: ReplayStamp): string {
  const properties: Record<string, unknown> = {};
  for (const key in record.properties) {
    if (DROPPED_PROPERTIES.has(key) || key.startsWith('ingestbench_')) continue;
    properties[key] = record.properties[key];
  }
  for (const key of ID_PROPERTIES) {
    const value = properties[key];
    if (typeof value === 'string' && value !== '') properties[key] = stamp.salt + value;
    else if (typeof value === 'number') properties[key] = stamp.salt + String(value);
  }
  properties['ingestbench_run'] = stamp.runId;
  properties['ingestbench_class'] = record.identified ? 'identified' : 'anonymous';
  properties['ingestbench_seq'] = stamp.seq;
  return JSON.stringify({
    uuid: stamp.uuid,
    event: record.event,
    distinct_id: stamp.salt + record.distinctId,
    timestamp: stamp.timestamp,
    properties,
    ...(record.set ? { $set: record.set } : {}),
    ...(record.setOnce ? { $set_once: record.setOnce } : {}),
  });
}
