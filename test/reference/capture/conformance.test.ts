// Conformance: every request of PostHog's own capture corpus, and of the corpus recorded from the
// posthog-node SDK, parses into exactly the events PostHog's capture produces for it.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseCaptureRequest } from '../../../src/reference/capture/parse-capture.js';
import { corpusMismatches, readCorpus, RECORDED_CORPUS, requestOf, SHARED_CORPUS } from './capture-corpus.js';

const sharedMissing = !existsSync(SHARED_CORPUS);

describe('PostHog capture corpus (shared/fixtures/posthog-capture/requests_dump.jsonl)', () => {
  if (sharedMissing) {
    test(
      'replay',
      { skip: `${SHARED_CORPUS} is absent (shared/ is not checked out beside the repo)` },
      () => {},
    );
    return;
  }
  const entries = readCorpus(SHARED_CORPUS);

  test('the corpus is not empty: every request lists the events capture must produce', () => {
    assert.ok(entries.length >= 16, `expected at least 16 requests, found ${entries.length}`);
    assert.ok(entries.every((e) => e.output.length > 0));
  });

  entries.forEach((entry, i) => {
    test(`#${i + 1} ${entry.method} ${entry.path} → ${entry.output.length} events`, () => {
      const result = parseCaptureRequest(requestOf(entry), new Date(entry.now));
      assert.deepEqual(corpusMismatches(entry, result), []);
    });
  });
});

test('the corpus check notices a wrong distinct_id, event, token or a missing event', () => {
  const [entry] = readCorpus(RECORDED_CORPUS);
  assert.ok(entry !== undefined);
  const result = parseCaptureRequest(requestOf(entry), new Date(entry.now));
  assert.deepEqual(corpusMismatches(entry, result), []);
  const [first, ...rest] = entry.output;
  assert.ok(first !== undefined);
  const data = JSON.parse(first.data) as Record<string, unknown>;
  const tampered = [
    { ...first, distinct_id: 'someone-else' },
    { ...first, data: JSON.stringify({ ...data, event: 'other' }) },
    { ...first, token: 'phc_other' },
    {
      ...first,
      data: JSON.stringify({ ...data, properties: { ...(data['properties'] as object), extra: 1 } }),
    },
  ];
  for (const output of tampered) {
    assert.equal(
      corpusMismatches({ ...entry, output: [output, ...rest] }, result).length,
      1,
      JSON.stringify(output),
    );
  }
  assert.notDeepEqual(corpusMismatches({ ...entry, output: rest }, result), []);
});

describe('recorded posthog-node corpus (test/fixtures/recorded/posthog-node.jsonl)', () => {
  const entries = readCorpus(RECORDED_CORPUS);

  test('holds gzip and plain batches', () => {
    const encodings = new Set(entries.map((e) => e.content_encoding));
    assert.deepEqual([...encodings].sort(), ['', 'gzip']);
    assert.ok(entries.every((e) => e.path.startsWith('/batch')));
  });

  entries.forEach((entry, i) => {
    test(`#${i + 1} ${entry.path} ${entry.content_encoding || 'uncompressed'} → ${entry.output.length} events`, () => {
      const result = parseCaptureRequest(requestOf(entry), new Date(entry.now));
      assert.deepEqual(corpusMismatches(entry, result), []);
    });
  });
});
