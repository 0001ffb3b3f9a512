// A recorded event re-stamped: the run's uuid, timestamp and tags, distinct ids salted (those in
// properties that name a person too), the recording's token and tags gone, the rest untouched.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReplayEvent, replaySalt } from '../../src/generate/replay-event.js';
import type { RecordedEvent } from '../../src/generate/replay-record.js';

const recorded: RecordedEvent = {
  event: '$identify',
  distinctId: 'user-7',
  properties: {
    $anon_distinct_id: 'anon-7',
    distinct_id: 'user-7',
    token: 'phc_recorded',
    ingestbench_run: 'an-older-run',
    ingestbench_seq: 3,
    $process_person_profile: true,
    nested: { a: [1, 'two'] },
    $device_id: 'device-1',
  },
  set: { email: 'u7@example.com' },
  setOnce: null,
  timestampMs: 0,
  identified: true,
};

describe('renderReplayEvent', () => {
  it('re-stamps identity and time and keeps everything else as recorded', () => {
    const salt = replaySalt('abc', 2);
    assert.equal(salt, 'ib-abc-2-');
    const event = JSON.parse(
      renderReplayEvent(recorded, {
        uuid: '01900000-0000-7abc-8000-000000000001',
        timestamp: '2026-12-07T00:00:00.000Z',
        runId: 'run-1',
        salt,
        seq: 41,
      }),
    ) as Record<string, unknown>;
    assert.deepEqual(event, {
      uuid: '01900000-0000-7abc-8000-000000000001',
      event: '$identify',
      distinct_id: 'ib-abc-2-user-7',
      timestamp: '2026-12-07T00:00:00.000Z',
      properties: {
        $anon_distinct_id: 'ib-abc-2-anon-7',
        distinct_id: 'ib-abc-2-user-7',
        $process_person_profile: true,
        nested: { a: [1, 'two'] },
        $device_id: 'device-1',
        ingestbench_run: 'run-1',
        ingestbench_class: 'identified',
        ingestbench_seq: 41,
      },
      $set: { email: 'u7@example.com' },
    });
    // The recorded event itself is not changed (the next pass renders it again).
    assert.equal(recorded.properties['token'], 'phc_recorded');
  });

  it('tags a personless event anonymous', () => {
    const event = JSON.parse(
      renderReplayEvent(
        {
          ...recorded,
          event: '$pageview',
          properties: { $process_person_profile: false },
          set: null,
          identified: false,
        },
        { uuid: 'u', timestamp: 't', runId: 'r', salt: 's-', seq: 0 },
      ),
    ) as { properties: Record<string, unknown> };
    assert.equal(event.properties['ingestbench_class'], 'anonymous');
    assert.equal(event.properties['$process_person_profile'], false);
  });
});
