// An acknowledged ledger for the poller's virtual-clock tests: `perWorker` events on 2 workers,
// one every `everyMs`, with the uuids the target's rows carry; and the busiest window of a query
// log, to check the query throttles from the target's side.

import { encodeEventUuid, runTag } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, LedgerFlag } from '../../src/load/ledger.js';
import type { FakeRow } from './fake-query-api.js';

interface Planned {
  readonly worker: number;
  readonly seq: number;
  readonly intended: number;
  readonly uuid: string;
  readonly cls: 'anonymous' | 'identified';
}

/** `perWorker` acknowledged events on 2 workers, one every `everyMs` from `start`. */
export function plan(runId: string, perWorker: number, start: number, everyMs: number) {
  const ledger = Ledger.allocate([perWorker, perWorker]);
  const events: Planned[] = [];
  ledger.shards.forEach((shard, worker) => {
    for (let seq = 0; seq < perWorker; seq += 1) {
      const intended = start + seq * everyMs + worker * (everyMs / 2);
      const identified = seq % 2 === 1;
      shard.setIntended(seq, intended);
      shard.setAck(seq, intended + 5);
      shard.status[seq] = EventStatus.acknowledged;
      shard.flags[seq] = LedgerFlag.measured | (identified ? LedgerFlag.identified : 0);
      events.push({
        worker,
        seq,
        intended,
        cls: identified ? 'identified' : 'anonymous',
        uuid: encodeEventUuid(runTag(runId), worker, seq, intended),
      });
    }
  });
  return { ledger, events };
}

/** The most log entries in any window of `ms` ending at an entry. */
export function peak(times: readonly number[], ms: number): number {
  let most = 0;
  let from = 0;
  for (let i = 0; i < times.length; i += 1) {
    while (times[from]! <= times[i]! - ms) from += 1;
    most = Math.max(most, i - from + 1);
  }
  return most;
}

/** The fake query API's row for a planned event, visible from `commitAt`. */
export function rowOf(e: Planned, run: string, commitAt: number): FakeRow {
  return { uuid: e.uuid, timestampMs: Math.floor(e.intended), run, cls: e.cls, commitAt };
}
