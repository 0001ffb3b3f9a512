// The reference target stamps created_at on the time base it is handed (clock.ts), in its
// ingestion child process too, so the harness can subtract created_at from its intended times.
// The anchor is far from the wall clock: a created_at read from Date.now() would miss the bracket.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { epochClock, monotonicMs } from '../../../src/clock.js';
import { startReferenceTarget, type ReferenceTarget } from '../../../src/reference/start-reference-target.js';
import { drained, hogql, makeEvents, PERSONAL_KEY, postBatch, TOKEN } from './e2e-helpers.js';

const clock = epochClock({ unixMs: 1_000_000_000_000, monotonicMs: monotonicMs() });
let target: ReferenceTarget;
before(async () => {
  target = await startReferenceTarget({
    port: 0,
    memory: true,
    tokens: [TOKEN],
    personalKey: PERSONAL_KEY,
    lingerMs: 10,
    clockAnchor: clock.anchor,
  });
});
after(() => target.stop());

test("created_at is on the clock anchor's time base, not the target's wall clock", async () => {
  const run = `clock-anchor-${process.pid}`;
  const events = makeEvents(run, 20, true);
  const sentAt = clock.now();
  assert.equal(await postBatch(target.captureUrl, events), 200);
  await drained(target.metricsUrl);
  const stored = clock.now();
  const rows = await hogql(
    target.queryUrl,
    `SELECT uuid, created_at FROM events WHERE properties.ingestbench_run = '${run}' LIMIT 100`,
  );
  assert.equal(rows.length, 20);
  for (const [uuid, createdAt] of rows) {
    const ms = Date.parse(String(createdAt));
    // created_at keeps whole milliseconds or finer: allow the truncation, nothing more.
    assert.ok(ms >= Math.floor(sentAt) - 1 && ms <= stored + 1, `${String(uuid)}: ${String(createdAt)}`);
  }
});
