// `ingestbench serve` tells the reference target to spare the harness's preflight probe from the
// drop and duplicate faults (the target itself knows nothing of the harness): a run against a
// served target with faults counts only its own events as faulted, as against the embedded one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { serveCommand } from '../../src/cli/serve-command.js';
import { parseCommandLine } from '../../src/cli/parse-command-line.js';
import { PROBE_EVENT } from '../../src/targets/probe-event.js';
import {
  drained,
  hogql,
  makeEvents,
  PERSONAL_KEY,
  postBatch,
  sample,
  servedUrls,
  TextSink,
  TOKEN,
  type TestEvent,
} from '../reference/e2e/e2e-helpers.js';

test('serve with drop-after-ack=1 and duplicate=1 stores the probe once and drops every other event', async () => {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const controller = new AbortController();
  const line = parseCommandLine([
    'serve',
    '--port',
    '0',
    '--memory',
    '--token',
    TOKEN,
    '--personal-key',
    PERSONAL_KEY,
    '--query-limits',
    'none',
    '--fault',
    'drop-after-ack=1,duplicate=1',
  ]);
  const io = { stdout, stderr, env: {}, cwd: process.cwd(), signal: controller.signal, interactive: false };
  const running = serveCommand(line, io);
  try {
    const urls = await servedUrls(stdout);
    const capture = urls['capture'] ?? '';
    const run = `serve-spare-${process.pid}`;
    const probeUuid = randomUUID();
    const probe: TestEvent = {
      uuid: probeUuid,
      body: {
        event: PROBE_EVENT,
        distinct_id: 'probe',
        uuid: probeUuid,
        timestamp: new Date().toISOString(),
        properties: { $process_person_profile: false, ingestbench_run: run },
      },
    };
    const events = makeEvents(run, 20, true);
    assert.equal(await postBatch(capture, [probe, ...events]), 200);
    const metrics = await drained(urls['metrics'] ?? '');
    const rows = await hogql(
      urls['query'] ?? '',
      `SELECT event, count() FROM events WHERE properties.ingestbench_run = '${run}' GROUP BY event`,
    );
    assert.deepEqual(rows, [[PROBE_EVENT, 1]], 'the probe stored once, the 20 others dropped');
    assert.equal(sample(metrics, 'ingestbench_faults_injected_total', { kind: 'drop-after-ack' }), 20);
    assert.equal(sample(metrics, 'ingestbench_faults_injected_total', { kind: 'duplicate' }), 0);
  } finally {
    controller.abort();
    assert.equal(await running, 0);
  }
});
