// The bytes of generated events, pinned: the generator's speed work (pieces joined once, cached
// fragments, SDK profiles writing into the event being assembled) must not change what is sent.
// One digest per profile over a fixed seed, run id and intended times; the digests were computed
// with the generator as it was before that work (string concatenation) and again after it.
// A change to the events on purpose changes a digest: update it in the same commit, and say why.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { batchBody } from '../../src/generate/batch-body.js';
import { EventGenerator } from '../../src/generate/event-generator.js';
import { runTag } from '../../src/generate/event-uuid.js';
import type { SdkName } from '../../src/scenario/scenario.js';
import { ALL_BEHAVIOURS, testScenario } from './scenario-fixture.js';

const EVENTS = 3000;
const START_MS = Date.UTC(2025, 11, 6, 12, 0, 0);

/** sha-256 of EVENTS events in batch bodies of 10, every behaviour kind with the `sdk` profile. */
function digest(sdk: SdkName): { digest: string; bytes: number } {
  const scenario = testScenario({
    seed: 1729,
    population: { size: 500, returningShare: 0.25 },
    behaviours: ALL_BEHAVIOURS.map((b) => ({ ...b, sdk })),
  });
  const generator = new EventGenerator(scenario, {
    runId: 'event-bytes',
    runTag: runTag('event-bytes'),
    worker: 1,
    workers: 2,
    seed: 99,
  });
  const hash = createHash('sha256');
  let bytes = 0;
  for (let seq = 0; seq < EVENTS; seq += 10) {
    const events: string[] = [];
    // Several events a millisecond, then gaps: the time caches both hit and miss.
    for (let i = seq; i < seq + 10; i++) events.push(generator.next(i, START_MS + i * 0.4 + (i % 7) * 1000));
    const body = batchBody('phc_event_bytes', events);
    bytes += body.length;
    hash.update(body);
  }
  return { digest: hash.digest('hex'), bytes };
}

describe('generated event bytes (same seed, same bytes)', () => {
  const pinned: Record<SdkName, string> = {
    'posthog-js': 'b8e94c340675f6823bc0d99d284d6d7e54b7594bc2840045b79d85be5cc285f0',
    'posthog-node': '743c6d3341cfe0f5f7471080ee837047b363a911e9ddddd2bf2dae20d69597dd',
    none: '8d979f03c3b2e6d86c9cd250c2733381aec1a028b756ad7ad88a6be3abfaad48',
  };
  for (const sdk of ['posthog-js', 'posthog-node', 'none'] as const) {
    it(`sdk ${sdk}: the pinned digest`, () => {
      const { digest: d, bytes } = digest(sdk);
      // Guards against a digest of nothing: every profile renders hundreds of bytes an event.
      assert.ok(bytes / EVENTS > 200, `${bytes / EVENTS} bytes/event`);
      assert.equal(d, pinned[sdk], `sdk ${sdk}: events changed (update the digest only if on purpose)`);
    });
  }
});
