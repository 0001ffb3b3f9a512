// PostHog's numbers per deployment, the host rule that picks one, and the request timeout they give.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CONCURRENCY_QUEUE_MS,
  deploymentLimits,
  POSTHOG_LIMITS,
  profileForHost,
  requestTimeoutFor,
} from '../src/posthog-limits.js';

describe('PostHog limits', () => {
  it("each profile's numbers, from PostHog's source", () => {
    assert.deepEqual(POSTHOG_LIMITS.cloud, {
      perMinute: 240,
      perHour: 2_400,
      concurrent: 3,
      maxQueryMs: 10_000,
    });
    assert.deepEqual(POSTHOG_LIMITS['cloud-legacy'], {
      perMinute: Infinity,
      perHour: 120,
      concurrent: 3,
      maxQueryMs: 60_000,
    });
    assert.deepEqual(POSTHOG_LIMITS['self-hosted'], {
      perMinute: Infinity,
      perHour: Infinity,
      concurrent: Infinity,
      maxQueryMs: 60_000,
    });
    assert.equal(CONCURRENCY_QUEUE_MS, 30_000);
  });

  it("PostHog Cloud's hosts are cloud; anything else is self-hosted", () => {
    for (const url of [
      'https://us.posthog.com',
      'https://eu.posthog.com/',
      'https://us.i.posthog.com',
      'https://eu.i.posthog.com',
      'https://app.posthog.com',
      'https://US.PostHog.com.',
    ])
      assert.equal(profileForHost(url), 'cloud', url);
    for (const url of [
      'http://127.0.0.1:8010',
      'https://posthog.example.com',
      'https://notposthog.com',
      'https://posthog.com.evil.example',
      'not a url',
    ])
      assert.equal(profileForHost(url), 'self-hosted', url);
  });

  it('overrides win over the profile; custom starts unbounded; bad numbers are usage errors', () => {
    assert.deepEqual(deploymentLimits('cloud', { concurrent: 10, maxQueryMs: 30_000 }), {
      perMinute: 240,
      perHour: 2_400,
      concurrent: 10,
      maxQueryMs: 30_000,
    });
    assert.deepEqual(deploymentLimits('custom', { perHour: 500 }), {
      perMinute: Infinity,
      perHour: 500,
      concurrent: Infinity,
      maxQueryMs: Infinity,
    });
    assert.equal(deploymentLimits('cloud', { concurrent: 0 }).concurrent, 0);
    for (const bad of [{ perMinute: 0 }, { perHour: 1.5 }, { concurrent: -1 }, { maxQueryMs: 0 }])
      assert.throws(() => deploymentLimits('cloud', bad), { code: 'USAGE' }, JSON.stringify(bad));
  });

  it('the request timeout outlasts the longest the server may hold a query', () => {
    // cloud: 30 s for a slot + 10 s execution + 10 s margin.
    assert.equal(requestTimeoutFor(POSTHOG_LIMITS.cloud), 50_000);
    assert.equal(requestTimeoutFor(POSTHOG_LIMITS['cloud-legacy']), 100_000);
    // No cap, no wait for a slot: 60 s + margin.
    assert.equal(requestTimeoutFor(POSTHOG_LIMITS['self-hosted']), 70_000);
    assert.ok(requestTimeoutFor({ concurrent: 3, maxQueryMs: 10_000 }) > CONCURRENCY_QUEUE_MS + 10_000);
  });
});
