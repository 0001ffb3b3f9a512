// The posthog-node profile: scenarios/backend.yaml through a capture recorder carries what
// posthog-node itself sends (compared with the corpus recorded from the real SDK), its groups,
// and identified events without a $process_person_profile flag, as a server SDK sends them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readCorpus, RECORDED_CORPUS } from '../reference/capture/capture-corpus.js';
import { startCaptureRecorder, type CaptureRecorder, type RecordedEvent } from './capture-recorder.js';
import { runInto, shortShipped } from './sdk-run.js';

describe('posthog-node profile: scenarios/backend.yaml through a capture recorder', () => {
  let recorder: CaptureRecorder;
  let events: RecordedEvent[];
  before(async () => {
    recorder = await startCaptureRecorder();
    await runInto(recorder, await shortShipped('backend', 2000));
    events = recorder.batches.flatMap((b) => b.events);
  });
  after(() => recorder.close());

  it("has every property posthog-node adds, with the SDK's own values", () => {
    // The recorded corpus holds what posthog-node 5.x sent for plain captures.
    const recorded = readCorpus(RECORDED_CORPUS)
      .flatMap((entry) => entry.output.map((o) => JSON.parse(o.data) as RecordedEvent))
      .find((e) => e.event === 'project created');
    assert.ok(recorded, 'a plain capture in the recorded corpus');
    const sdkKeys = Object.keys(recorded.properties).filter((k) => k.startsWith('$'));
    assert.deepEqual(sdkKeys.sort(), ['$geoip_disable', '$is_server', '$lib', '$lib_version']);
    assert.ok(events.length >= 2000);
    for (const e of events) {
      for (const key of sdkKeys) assert.equal(e.properties[key], recorded.properties[key], key);
    }
  });

  it('sends identified events without $process_person_profile, and groups once a user has one', () => {
    assert.ok(events.every((e) => e.properties['ingestbench_class'] === 'identified'));
    assert.ok(events.every((e) => !('$process_person_profile' in e.properties)));
    const groupIdentifies = events.filter((e) => e.event === '$groupidentify');
    assert.ok(groupIdentifies.length > 100);
    const withGroups = events.filter(
      (e) => e.event !== '$groupidentify' && e.properties['$groups'] !== undefined,
    );
    assert.ok(withGroups.length > 0);
    for (const e of withGroups)
      assert.match((e.properties['$groups'] as { company: string }).company, /^company-\d+$/);
  });
});
