// Shards: one run spread over several processes or machines (`run --shard i/n --run-id ID`), each
// sending a deterministic share of the run, so their reports merge into the run's one report.
//
// The split is the one the workers of a single process already use, one level up. Global event g
// goes to shard g mod n; inside shard i (0-based here), worker w of W takes the shard's events
// whose ⌊g / n⌋ ≡ w (mod W). Both together are g ≡ w·n + i (mod W·n): worker w of shard i is
// "lane" w·n + i of W·n lanes, and every per-worker rule (schedule, users u ≡ lane, seed, global
// seq, the uuid's worker bits) applies to the lane unchanged. Shards may run different worker
// counts: the lanes of shard i are always ≡ i (mod n), so two shards never share a lane, hence
// never a user, a distinct id, a seq number or a uuid. Unsharded, lane = worker.

import { IngestbenchError } from '../errors.js';
import { MAX_WORKERS } from '../generate/event-uuid.js';

/** Shard `index` (1-based, as test runners number shards) of `count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** A shard of a named run: what a plan and a shard's report carry. */
export interface RunShard extends ShardSpec {
  /** The whole run's id (shared by every shard); the shard's own id is shardRunId(runId, shard). */
  readonly runId: string;
}

const SHARD = /^(\d+)\/(\d+)$/;

/** "2/4" → { index: 2, count: 4 }; indexes run from 1 to count. */
export function parseShard(text: string): ShardSpec {
  const match = SHARD.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1) || !(index >= 1) || index > count || count > MAX_WORKERS) {
    throw new IngestbenchError(
      'USAGE',
      `--shard expects i/n with 1 ≤ i ≤ n ≤ ${MAX_WORKERS} (e.g. 1/4; a Kubernetes completion index k is shard k+1), got "${text}"`,
    );
  }
  return { index, count };
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A run id given on the command line: it names folders and is the events' ingestbench_run. */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new IngestbenchError(
      'USAGE',
      `--run-id "${runId}" must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return runId;
}

/** The shard's own run id: its events' ingestbench_run and its report folder's name. */
export function shardRunId(runId: string, shard: ShardSpec): string {
  return `${runId}-shard-${shard.index}-of-${shard.count}`;
}

/** The lane of a shard's local worker (the worker itself when unsharded). */
export function laneOf(shard: ShardSpec | undefined, worker: number): number {
  return shard ? worker * shard.count + (shard.index - 1) : worker;
}

/** Lanes of a shard running `workers` workers. */
export function laneCount(shard: ShardSpec | undefined, workers: number): number {
  return shard ? workers * shard.count : workers;
}

/** The local worker of a lane, or null when the lane belongs to another shard. */
export function workerOfLane(shard: ShardSpec | undefined, lane: number): number | null {
  if (!shard) return lane;
  const offset = lane - (shard.index - 1);
  return offset >= 0 && offset % shard.count === 0 ? offset / shard.count : null;
}
