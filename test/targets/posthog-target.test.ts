import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { posthogTargetFromEnv } from '../../src/targets/posthog-target.js';

const env = {
  POSTHOG_HOST: 'https://us.i.posthog.com/',
  POSTHOG_PROJECT_API_KEY: 'phc_secret_token_value',
  POSTHOG_PERSONAL_API_KEY: 'phx_secret_personal_value',
  POSTHOG_PROJECT_ID: '4242',
};

describe('posthogTargetFromEnv', () => {
  it('reads capture and query hosts, defaulting the query host to the capture host', () => {
    const t = posthogTargetFromEnv(env);
    assert.equal(t.captureUrl, 'https://us.i.posthog.com');
    assert.equal(t.queryUrl, 'https://us.i.posthog.com');
    assert.equal(t.projectId, '4242');
    const cloud = posthogTargetFromEnv({ ...env, POSTHOG_QUERY_HOST: 'https://us.posthog.com' });
    assert.equal(cloud.queryUrl, 'https://us.posthog.com');
  });

  it('describes itself without any key', () => {
    const text = JSON.stringify(posthogTargetFromEnv(env).describe());
    assert.ok(!text.includes('secret'), text);
    assert.match(text, /us\.i\.posthog\.com/);
  });

  it('names every missing variable and refuses a personal key as the token', () => {
    assert.throws(
      () => posthogTargetFromEnv({ POSTHOG_HOST: 'http://127.0.0.1:8010' }),
      (e: unknown) =>
        e instanceof IngestbenchError &&
        e.code === 'USAGE' &&
        /POSTHOG_PROJECT_API_KEY, POSTHOG_PERSONAL_API_KEY, POSTHOG_PROJECT_ID/.test(e.message),
    );
    assert.throws(
      () => posthogTargetFromEnv({ ...env, POSTHOG_PROJECT_API_KEY: 'phx_oops' }),
      (e: unknown) =>
        e instanceof IngestbenchError && /personal key/.test(e.message) && !e.message.includes('phx_oops'),
    );
    assert.throws(
      () => posthogTargetFromEnv({ ...env, POSTHOG_HOST: 'not a url' }),
      /POSTHOG_HOST is not a URL/,
    );
    assert.throws(() => posthogTargetFromEnv({ ...env, POSTHOG_PROJECT_ID: 'abc' }), /numeric project id/);
  });
});
