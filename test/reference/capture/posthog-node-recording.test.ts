// The posthog-node SDK installed now, live against a loopback server: what it sends parses into
// exactly the events it meant to send. With INGESTBENCH_RECORD=1 the traffic is also written to
// test/fixtures/recorded/posthog-node.jsonl (see record-posthog-node.ts for the command).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCaptureRequest } from '../../../src/reference/capture/parse-capture.js';
import { corpusMismatches, RECORDED_CORPUS, requestOf } from './capture-corpus.js';
import { recordPosthogNode } from './record-posthog-node.js';

test('live posthog-node traffic (gzip on and off) parses into the events the SDK sent', async () => {
  const { sdkVersion, entries } = await recordPosthogNode();
  assert.equal(entries.length, 4, 'two flushes with gzip, two without');
  assert.deepEqual(
    entries.map((e) => e.content_encoding),
    ['gzip', 'gzip', '', ''],
  );
  for (const entry of entries) {
    assert.deepEqual(corpusMismatches(entry, parseCaptureRequest(requestOf(entry), new Date(entry.now))), []);
  }
  // The caller-chosen uuid survives the SDK and capture unchanged.
  const signedUp = entries[0]?.output.find(
    (o) => (JSON.parse(o.data) as { event: string }).event === 'signed up',
  );
  assert.equal(signedUp?.uuid, '0190f5d2-7b3a-7c41-8e2f-4a5b6c7d8e9f');

  if (process.env['INGESTBENCH_RECORD'] === '1') {
    const header = [
      `# Recorded from ${sdkVersion} by test/reference/capture/record-posthog-node.ts; format of`,
      '# PostHog requests_dump.jsonl. Token is made up. Re-record: see record-posthog-node.ts.',
    ];
    const lines = entries.map(
      (entry, i) =>
        `${i % 2 === 0 ? `### ${entry.content_encoding || 'uncompressed'}\n` : ''}${JSON.stringify(entry)}`,
    );
    writeFileSync(RECORDED_CORPUS, `${[...header, ...lines].join('\n')}\n`);
  }
});
