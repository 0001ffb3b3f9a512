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
