// The reference target's promise: an acknowledged event is never lost and never ingested twice,
// even when every process of the target is SIGKILLed mid-load and restarted on the same --data.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceTarget } from '../../../src/reference/start-reference-target.js';
import { drained, hogql, makeEvents, PERSONAL_KEY, postBatch, TOKEN, type TestEvent } from './e2e-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ingestbench-durability-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TARGET_SCRIPT = fileURLToPath(new URL('./target-process.js', import.meta.url));

async function spawnTarget(data: string): Promise<{ captureUrl: string; kill(): void }> {
  // detached: the target leads its own process group, so one kill reaches its ingestion child too.
  const proc = spawn(process.execPath, [TARGET_SCRIPT, '--serve', data], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (buffered.includes('\n')) resolve(buffered.slice(0, buffered.indexOf('\n')));
    });
    proc.once('exit', (code) => reject(new Error(`target process exited early (code ${code})`)));
  });
  const { captureUrl } = JSON.parse(line) as { captureUrl: string };
  return { captureUrl, kill: () => process.kill(-(proc.pid ?? 0), 'SIGKILL') };
}

test('every acknowledged event is queryable exactly once after SIGKILL of the whole target and a restart', async () => {
  const run = `durability-${process.pid}`;
  const target = await spawnTarget(dir);
  const acknowledged: TestEvent[] = [];
  const attempted: TestEvent[] = [];
  let killed = false;
  // Four senders loop until a request of theirs goes unanswered after the kill (one already on
  // the wire at the kill, or the next one); a request counts as acknowledged only on a 200.
  const senders = Array.from({ length: 4 }, async (_, sender) => {
    for (let round = 0; ; round++) {
      const events = makeEvents(`${run}`, 25, (round + sender) % 2 === 0);
      attempted.push(...events);
      const status = await postBatch(target.captureUrl, events).catch(() => 0);
      if (status === 200) acknowledged.push(...events);
      else if (killed) return;
    }
  });
  const deadline = Date.now() + 30_000;
  while (acknowledged.length < 3_000) {
    if (Date.now() > deadline) {
      target.kill();
      killed = true;
      throw new Error(`only ${acknowledged.length} events acknowledged in 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  target.kill();
  killed = true;
  await Promise.all(senders);
  assert.ok(attempted.length > acknowledged.length, 'requests went unanswered after the kill');

  const restarted = await startReferenceTarget({
    port: 0,
    data: dir,
    tokens: [TOKEN],
    personalKey: PERSONAL_KEY,
  });
  try {
    await drained(restarted.metricsUrl);
    const rows = await hogql(
      restarted.queryUrl,
      `SELECT uuid, count() FROM events WHERE properties.ingestbench_run = '${run}' GROUP BY uuid LIMIT 50000`,
    );
    const counts = new Map(rows.map(([uuid, count]) => [String(uuid), Number(count)]));
    const missing = acknowledged.filter((e) => counts.get(e.uuid) === undefined);
    const twice = [...counts].filter(([, count]) => count !== 1);
    assert.equal(missing.length, 0, `${missing.length} of ${acknowledged.length} acknowledged events lost`);
    assert.deepEqual(twice, [], 'no event stored twice');
    // Unacknowledged requests may have been stored (the kill came after the commit, before the
    // answer), but nothing that was never sent can appear.
    const sent = new Set(attempted.map((e) => e.uuid));
    assert.ok([...counts.keys()].every((uuid) => sent.has(uuid)));
  } finally {
    await restarted.stop();
  }
});
