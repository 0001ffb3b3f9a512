// The validating pass and the workers' sources agree: every event of the planned passes is sent
// once, by the worker that owns its distinct id, in file order, at the offset the pace gives it;
// the last pass is cut where the duration ends; a file that changes under a replay is refused.

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { ReplaySource } from '../../src/load/replay-source.js';
import { replayWorkerOf, type ReplaySpec } from '../../src/load/replay-timing.js';
import { scanReplay, type ScannedReplay } from '../../src/load/scan-replay.js';
import { BATCH_WINDOW_MS } from '../../src/load/schedule.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-replay-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 1);
/** Recorded times: uneven gaps, and event 5 recorded before event 4 (out of order). */
const times = [0, 10, 15, 400, 900, 850, 1000, 1000, 1010, 2000, 2300, 2301, 2302, 2900, 3000, 3400];

function writeRecording(name: string): string {
  const file = join(dir, name);
  const lines = times.map((t, i) =>
    JSON.stringify({
      event: 'item viewed',
      distinct_id: `u${i % 6}`,
      properties: { i, $process_person_profile: i % 4 !== 0 },
      timestamp: new Date(T0 + t).toISOString(),
    }),
  );
  // A comment and a blank line count as lines but hold no event.
  writeFileSync(file, `# recorded\n${lines.slice(0, 8).join('\n')}\n\n${lines.slice(8).join('\n')}\n`);
  return file;
}

interface Sent {
  readonly worker: number;
  readonly offsetMs: number;
  readonly seq: number;
  readonly distinctId: string;
  readonly i: number;
}

/** Drains every worker's source the way the send loop does (batchEnd, offsetMs, intendedAt, next). */
function drain(scanned: ScannedReplay, runId = 'run-a'): Sent[] {
  const sent: Sent[] = [];
  scanned.perWorker.forEach((count, worker) => {
    const source = new ReplaySource({
      timing: scanned.timing,
      worker,
      workers: scanned.perWorker.length,
      count,
      runId,
      runTag: 1,
    });
    let cursor = 0;
    while (cursor < source.count) {
      const end = source.batchEnd(cursor, 4);
      assert.ok(end - cursor <= 4);
      const first = source.offsetMs(cursor);
      assert.ok(source.offsetMs(end - 1) - first <= BATCH_WINDOW_MS);
      for (let n = cursor; n < end; n++) {
        const offsetMs = source.offsetMs(n);
        const event = JSON.parse(source.next(n, source.intendedAt(0, n))) as {
          distinct_id: string;
          properties: { i: number; ingestbench_seq: number; ingestbench_class: string };
        };
        assert.equal(source.identified, event.properties['ingestbench_class'] === 'identified');
        sent.push({
          worker,
          offsetMs,
          seq: event.properties.ingestbench_seq,
          distinctId: event.distinct_id,
          i: event.properties.i,
        });
      }
      cursor = end;
    }
    source.close();
  });
  return sent;
}

describe('replay sources and the validating pass', () => {
  it('--speed: whole passes, then the part of a pass the duration reaches, each event once', async () => {
    const file = writeRecording('speed.jsonl');
    // A pass: span 3400 ms + mean gap 3400/15, at 2× = 1813.3 ms. 2.5 passes.
    const period = (3400 + 3400 / 15) / 2;
    const spec: ReplaySpec = { file, pace: { kind: 'speed', speed: 2 }, durationMs: period * 2.5 };
    const scanned = await scanReplay(spec, 3);
    assert.equal(scanned.scan.events, 16);
    assert.equal(scanned.scan.lines, 18);
    assert.equal(scanned.scan.outOfOrder, 1);
    assert.equal(scanned.scan.anonymous, 4);
    assert.ok(Math.abs(scanned.timing.periodMs - period) < 1e-9);
    // Half a pass is 906.7 ms: recorded times up to 1813 ms (running maximum), events 0..8.
    assert.equal(scanned.total, 2 * 16 + 9);
    const sent = drain(scanned);
    assert.equal(sent.length, scanned.total);
    assert.deepEqual(
      sent.map((s) => s.seq).sort((a, b) => a - b),
      Array.from({ length: scanned.total }, (_, k) => k),
    );
    for (const s of sent) {
      const pass = Math.floor(s.seq / 16);
      const index = s.seq % 16;
      assert.equal(s.i, index);
      // The running maximum: event 5 (recorded at 850, after one at 900) goes at 900 / 2.
      const recorded = Math.max(...times.slice(0, index + 1));
      assert.ok(Math.abs(s.offsetMs - (pass * period + recorded / 2)) < 1e-9, `seq ${s.seq}`);
      assert.equal(s.worker, replayWorkerOf(`u${index % 6}`, 3));
      assert.ok(s.distinctId.endsWith(`-${pass}-u${index % 6}`), s.distinctId);
    }
    // Within a worker, times never go back, so per distinct id the recorded order holds.
    for (let w = 0; w < 3; w++) {
      const mine = sent.filter((s) => s.worker === w);
      for (let k = 1; k < mine.length; k++) assert.ok(mine[k]!.offsetMs >= mine[k - 1]!.offsetMs);
      for (let k = 1; k < mine.length; k++) assert.ok(mine[k]!.seq > mine[k - 1]!.seq);
    }
  });

  it('--rate: event g of the replay at g / R, the last pass cut by count', async () => {
    const file = writeRecording('rate.jsonl');
    const scanned = await scanReplay({ file, pace: { kind: 'rate', rate: 8 }, durationMs: 5000 }, 2);
    // 8/s for 5 s = 40 events: two passes of 16 and 8 of a third.
    assert.equal(scanned.total, 40);
    assert.equal(scanned.timing.wholePasses, 2);
    const sent = drain(scanned);
    assert.deepEqual(
      sent.map((s) => s.seq).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, k) => k),
    );
    for (const s of sent) assert.ok(Math.abs(s.offsetMs - s.seq * 125) < 1e-6, `seq ${s.seq}`);
  });

  it('one pass by default, and a file that changes under the replay is refused', async () => {
    const file = writeRecording('changing.jsonl');
    const scanned = await scanReplay({ file, pace: { kind: 'rate', rate: 1000 }, durationMs: 40 }, 1);
    assert.equal(scanned.total, 40);
    appendFileSync(file, `${JSON.stringify({ event: 'a b', distinct_id: 'x', timestamp: T0 })}\n`);
    assert.throws(
      () => drain(scanned),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'REPLAY_INVALID',
    );
    const once = await scanReplay({ file, pace: { kind: 'speed', speed: 1 } }, 2);
    assert.equal(once.total, 17);
    assert.equal(drain(once).length, 17);
  });
});
