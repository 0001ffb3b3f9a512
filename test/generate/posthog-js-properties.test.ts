// The posthog-js profile through the real load path: scenarios/web-app.yaml sent for a second into
// a capture recorder must look like posthog-js traffic (its keys, 25+ properties on a $pageview,
// 900+ bytes per event, batches that gzip like posthog-js's small requests), keep the harness's
// identity of an event, and be reproducible from the seed.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EventGenerator } from '../../src/generate/event-generator.js';
import { runTag } from '../../src/generate/event-uuid.js';
import { PAGE_DWELL_MS, SESSION_MS } from '../../src/generate/posthog-js-properties.js';
import type { SessionContext } from '../../src/generate/session-context.js';
import { readCorpus, SHARED_CORPUS } from '../reference/capture/capture-corpus.js';
import { startCaptureRecorder, type CaptureRecorder, type RecordedEvent } from './capture-recorder.js';
import { runInto, shortShipped } from './sdk-run.js';

/** What posthog-js puts on every event (event-utils.ts getEventProperties, posthog-core.ts). */
const POSTHOG_JS_KEYS = [
  '$os',
  '$browser',
  '$device_type',
  '$timezone',
  '$timezone_offset',
  '$current_url',
  '$host',
  '$pathname',
  '$raw_user_agent',
  '$browser_version',
  '$browser_language',
  '$browser_language_prefix',
  '$screen_height',
  '$screen_width',
  '$viewport_height',
  '$viewport_width',
  '$lib',
  '$lib_version',
  '$insert_id',
  '$time',
  'distinct_id',
  '$device_id',
  '$referrer',
  '$referring_domain',
  '$config_defaults',
  '$session_id',
  '$window_id',
  '$session_entry_url',
  '$session_entry_host',
  '$session_entry_pathname',
  '$session_entry_referrer',
  '$session_entry_referring_domain',
  '$pageview_id',
  '$is_identified',
  '$process_person_profile',
];
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('posthog-js profile: scenarios/web-app.yaml through a capture recorder', () => {
  let recorder: CaptureRecorder;
  let events: RecordedEvent[];
  before(async () => {
    recorder = await startCaptureRecorder();
    const result = await runInto(recorder, await shortShipped('web-app', 3000));
    assert.equal(result.counts.anonymous.acknowledged + result.counts.identified.acknowledged, 3000);
    events = recorder.batches.flatMap((b) => b.events);
  });
  after(() => recorder.close());

  it('sends $pageview events with 25+ properties and every key posthog-js sends', () => {
    const pageviews = events.filter((e) => e.event === '$pageview');
    assert.ok(pageviews.length > 500, `${pageviews.length} pageviews`);
    for (const e of pageviews) {
      assert.ok(Object.keys(e.properties).length >= 25, `${Object.keys(e.properties).length} properties`);
      for (const key of [...POSTHOG_JS_KEYS, 'title']) assert.ok(key in e.properties, `${key} missing`);
      assert.equal(e.properties['$lib'], 'web');
      assert.equal(e.properties['$pageview_id'] !== e.properties['$prev_pageview_id'], true);
      assert.equal(new URL(e.properties['$current_url'] as string).host, e.properties['$host']);
    }
    for (const e of events)
      for (const key of POSTHOG_JS_KEYS) assert.ok(key in e.properties, `${e.event}: ${key}`);
  });

  it(
    "has the keys of posthog-js's own $pageviews in PostHog's capture corpus",
    { skip: !existsSync(SHARED_CORPUS) },
    () => {
      // The keys every recorded $pageview has are posthog-js's (the app's super properties come and
      // go); token is left out on purpose: the batch's api_key carries it.
      const theirs = readCorpus(SHARED_CORPUS)
        .flatMap((entry) => entry.output.map((o) => JSON.parse(o.data) as RecordedEvent))
        .filter((e) => e.event === '$pageview');
      assert.ok(theirs.length > 0);
      const common = Object.keys(theirs[0]!.properties).filter(
        (k) => k !== 'token' && theirs.every((e) => k in e.properties),
      );
      assert.ok(common.length >= 20, `${common.length} common keys`);
      const ours = new Set(
        events.filter((e) => e.event === '$pageview').flatMap((e) => Object.keys(e.properties)),
      );
      for (const key of common) assert.ok(ours.has(key), `posthog-js sends ${key}`);
    },
  );

  // One posthog-js event alone gzips about 2.3x (PostHog's 3,258-byte fixture); posthog-js's own
  // requests of 5 to 24 events in PostHog's capture corpus gzip 6.1x to 10.1x at level 1, each one
  // user's session. Ours mix users and sessions in a request: between the two, never above the corpus.
  it('events average 900 bytes or more, and batches gzip between 1.8x and 6x', () => {
    const texts = recorder.batches.flatMap((b) => b.texts);
    const average = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / texts.length;
    assert.ok(average >= 900, `average event ${average.toFixed(0)} bytes`);
    const json = recorder.batches.reduce((sum, b) => sum + b.jsonBytes, 0);
    const wire = recorder.batches.reduce((sum, b) => sum + b.wireBytes, 0);
    const ratio = json / wire;
    assert.ok(ratio >= 1.8 && ratio <= 6, `batches gzip ${ratio.toFixed(2)}x`);
  });

  it('keeps the identity of an event: UUIDv7, ingestbench_* properties, class flag', () => {
    for (const e of events) {
      assert.match(e.uuid, UUID_V7);
      assert.equal(typeof e.properties['ingestbench_seq'], 'number');
      const identified = e.properties['ingestbench_class'] === 'identified';
      assert.equal(e.properties['$process_person_profile'], identified);
      assert.equal(e.properties['distinct_id'], e.distinct_id);
    }
    const seqs = new Set(events.map((e) => e.properties['ingestbench_seq']));
    assert.equal(seqs.size, events.length);
  });

  it('gives every event its own $insert_id, and UUIDv7 session, window, pageview and device ids', () => {
    const insertIds = new Set(events.map((e) => e.properties['$insert_id']));
    assert.equal(insertIds.size, events.length);
    for (const e of events) {
      assert.match(e.properties['$insert_id'] as string, /^[0-9a-z]{16}$/);
      for (const key of ['$session_id', '$window_id', '$pageview_id', '$device_id'])
        assert.match(e.properties[key] as string, UUID_V7, key);
    }
    // One device per user, whichever distinct id it sends with.
    const deviceOf = new Map<string, string>();
    for (const e of events) {
      const user = e.distinct_id.replace(/-(anon|user)-/, '-');
      const device = e.properties['$device_id'] as string;
      assert.equal(deviceOf.get(user) ?? device, device);
      deviceOf.set(user, device);
    }
  });

  it("puts $set_once initial person properties on identified users' events, never on personless ones", () => {
    const withSetOnce = events.filter((e) => e.$set_once !== undefined);
    assert.ok(withSetOnce.length > 0);
    for (const e of withSetOnce) {
      assert.equal(e.properties['$process_person_profile'], true);
      for (const key of ['$initial_referrer', '$initial_current_url', '$initial_utm_source', '$current_url'])
        assert.ok(key in e.$set_once!, key);
    }
    // Every identify turns person processing on for its user: it carries the initial properties.
    const identifies = events.filter((e) => e.event === '$identify' && '$anon_distinct_id' in e.properties);
    assert.ok(identifies.length > 0);
    for (const e of identifies) assert.ok(e.$set_once !== undefined, 'first identify without $set_once');
  });

  it('sends autocapture clicks with $event_type and an elements chain', () => {
    const clicks = events.filter((e) => e.event === '$autocapture');
    assert.ok(clicks.length > 300, `${clicks.length} clicks`);
    for (const e of clicks) {
      assert.ok(['click', 'change', 'submit'].includes(e.properties['$event_type'] as string));
      assert.match(e.properties['$elements_chain'] as string, /^[a-z]+[.:].*;body:/);
    }
  });
});

describe('posthog-js profile: the generator', () => {
  const T0 = Date.UTC(2026, 11, 7, 9);
  const generate = async (
    n: number,
    step: number,
    session?: (seq: number) => SessionContext,
  ): Promise<string[]> => {
    const scenario = await shortShipped('web-app', 1000);
    const gen = new EventGenerator(scenario, {
      runId: 'same-seed',
      runTag: runTag('same-seed'),
      worker: 0,
      workers: 1,
      seed: 99,
    });
    return Array.from({ length: n }, (_, seq) => gen.next(seq, T0 + seq * step, session?.(seq) ?? null));
  };

  it('gives the same events for the same seed', async () => {
    const [a, b] = [await generate(3000, 2), await generate(3000, 2)];
    assert.deepEqual(a, b);
  });

  it("keeps a user's session ids for at most 30 minutes and a page id for at most a page's dwell", async () => {
    // 20,000 users, one event every 500 ms: over 24 h a user's events span many windows.
    const events = (await generate(200_000, 432)).map((t) => JSON.parse(t) as RecordedEvent);
    const byUser = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      const user = e.distinct_id.replace(/-(anon|user)-/, '-');
      byUser.set(user, [...(byUser.get(user) ?? []), e]);
    }
    let rotations = 0;
    for (const list of byUser.values()) {
      for (let i = 1; i < list.length; i++) {
        const [prev, next] = [list[i - 1]!, list[i]!];
        const gap = Date.parse(next.timestamp) - Date.parse(prev.timestamp);
        const same = prev.properties['$session_id'] === next.properties['$session_id'];
        if (gap > SESSION_MS) assert.equal(same, false, 'a session outlived 30 minutes');
        if (!same) rotations++;
        // A session has one entry page, and a page id lasts no longer than a page's dwell.
        if (same) assert.equal(prev.properties['$session_entry_url'], next.properties['$session_entry_url']);
        if (prev.properties['$pageview_id'] === next.properties['$pageview_id'])
          assert.ok(gap < PAGE_DWELL_MS);
      }
    }
    assert.ok(rotations > 1000, `${rotations} session changes`);
  });

  it("takes $session_id and $window_id from the sessions model's SessionContext when given", async () => {
    const context = (seq: number): SessionContext => ({
      sessionId: `0190f5d2-7b3a-7c41-8e2f-${String(seq % 7).padStart(12, '0')}`,
      windowId: `0190f5d2-7b3a-7c41-9e2f-${String(seq % 7).padStart(12, '0')}`,
      // A session id stands for one session: its own start (the SDK caches a session's text by user and start).
      sessionStartMs: T0 - (seq % 7) * 60_000,
      indexInSession: seq,
      lastInSession: false,
    });
    const events = (await generate(50, 10, context)).map((t) => JSON.parse(t) as RecordedEvent);
    events.forEach((e, seq) => {
      assert.equal(e.properties['$session_id'], context(seq).sessionId);
      assert.equal(e.properties['$window_id'], context(seq).windowId);
    });
  });
});
