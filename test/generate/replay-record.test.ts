// Recorded lines → events: both shapes of a PostHog event (query API, batch export), PostHog's
// requests_dump.jsonl decoded by the reference's own capture code, and bad lines refused with
// REPLAY_INVALID and the place.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { parseReplayLine } from '../../src/generate/replay-record.js';
import { SHARED_CORPUS } from '../reference/capture/capture-corpus.js';

const refused = (line: string): IngestbenchError => {
  try {
    parseReplayLine(line, 'f.jsonl:7');
  } catch (error) {
    assert.ok(error instanceof IngestbenchError);
    assert.equal(error.code, 'REPLAY_INVALID');
    assert.ok(error.message.startsWith('f.jsonl:7: '), error.message);
    return error;
  }
  assert.fail(`accepted ${line}`);
};

describe('parseReplayLine', () => {
  it('reads a query API row: properties as JSON text, the class from $process_person_profile', () => {
    const [event, ...rest] = parseReplayLine(
      JSON.stringify({
        uuid: '0190f0f0-0000-7000-8000-000000000001',
        event: '$autocapture',
        distinct_id: 42,
        properties: JSON.stringify({ $process_person_profile: false, $browser: 'Firefox' }),
        elements_chain: 'button:text="Buy"',
        timestamp: '2024-05-01T12:00:00.123456Z',
      }),
      'f:1',
    );
    assert.equal(rest.length, 0);
    assert.deepEqual(event, {
      event: '$autocapture',
      distinctId: '42',
      properties: {
        $process_person_profile: false,
        $browser: 'Firefox',
        $elements_chain: 'button:text="Buy"',
      },
      set: null,
      setOnce: null,
      timestampMs: Date.parse('2024-05-01T12:00:00.123Z'),
      identified: false,
    });
  });

  it("reads a batch export row: ClickHouse's zoneless UTC time, set and set_once as JSON text", () => {
    const [event] = parseReplayLine(
      JSON.stringify({
        event: 'plan upgraded',
        distinct_id: 'u1',
        properties: { plan: 'team' },
        set: '{"plan":"team"}',
        set_once: { first_plan: 'free' },
        timestamp: '2024-05-01 12:00:00.500000',
      }),
      'f:1',
    );
    assert.equal(event!.timestampMs, Date.UTC(2024, 4, 1, 12, 0, 0, 500));
    assert.deepEqual(event!.set, { plan: 'team' });
    assert.deepEqual(event!.setOnce, { first_plan: 'free' });
    // No $process_person_profile: PostHog processes the event with a person.
    assert.equal(event!.identified, true);
  });

  it('skips blank lines and # comments', () => {
    assert.deepEqual(parseReplayLine('', 'f:1'), []);
    assert.deepEqual(parseReplayLine('   \r', 'f:1'), []);
    assert.deepEqual(parseReplayLine('### posthog-js', 'f:1'), []);
  });

  it('refuses what is not a recorded event, naming the line', () => {
    refused('{"event": "x", "distinct_id": ');
    refused('[1, 2, 3]');
    refused(JSON.stringify({ distinct_id: 'u', timestamp: 1 }));
    refused(JSON.stringify({ event: '', distinct_id: 'u', timestamp: 1 }));
    refused(JSON.stringify({ event: 'a b', distinct_id: '', timestamp: 1 }));
    refused(JSON.stringify({ event: 'a b', distinct_id: 'u', timestamp: 'soon' }));
    refused(JSON.stringify({ event: 'a b', distinct_id: 'u', timestamp: 1, properties: [1] }));
    refused(JSON.stringify({ event: 'a b', distinct_id: 'u', timestamp: 1, properties: 'not json' }));
    // A dumped request capture itself would refuse (not base64 JSON of events).
    refused(JSON.stringify({ path: '/batch/', body: 'bm90IGpzb24=', now: '2024-01-01T00:00:00Z' }));
  });

  it(
    "decodes every request of PostHog's requests_dump.jsonl into the events its `output` lists",
    {
      skip: existsSync(SHARED_CORPUS) ? false : `${SHARED_CORPUS} is absent (shared/ is not beside the repo)`,
    },
    () => {
      const lines = readFileSync(SHARED_CORPUS, 'utf8').split('\n');
      let requests = 0;
      lines.forEach((line, i) => {
        if (line.trim() === '' || line.startsWith('#')) return;
        requests++;
        const dumped = JSON.parse(line) as { output: { distinct_id: string; data: string }[] };
        const events = parseReplayLine(line, `dump:${i + 1}`);
        assert.deepEqual(
          events.map((e) => [e.event, e.distinctId]),
          dumped.output.map((o) => [(JSON.parse(o.data) as { event: string }).event, o.distinct_id]),
          `line ${i + 1}`,
        );
        for (const [k, e] of events.entries()) {
          const data = JSON.parse(dumped.output[k]!.data) as { properties?: Record<string, unknown> };
          assert.deepEqual(e.properties, data.properties ?? {}, `line ${i + 1} event ${k}`);
          assert.ok(Number.isFinite(e.timestampMs));
        }
      });
      assert.equal(requests, 16);
    },
  );
});
