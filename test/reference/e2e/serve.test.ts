// `serve`: the option table, the mapping to start options, and a run that prints its URLs and
// stops cleanly when its signal aborts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { IngestbenchError } from '../../../src/errors.js';
import { SERVE_OPTIONS } from '../../../src/cli/serve-options.js';
import { serve, serveOptionsToStart } from '../../../src/reference/serve.js';
import { servedUrls, TextSink } from './e2e-helpers.js';

test('the option table names every serve flag once, with defaults', () => {
  const names = SERVE_OPTIONS.map((o) => o.name);
  assert.deepEqual(names, [
    'host',
    'port',
    'data',
    'memory',
    'token',
    'personal-key',
    'project',
    'unknown-tokens',
    'person-processing-opt-out',
    'fault',
    'query-limits',
    'query-per-minute',
    'query-per-hour',
    'query-concurrency',
    'query-time-limit',
  ]);
  const byName = new Map(SERVE_OPTIONS.map((o) => [o.name, o]));
  assert.equal(byName.get('port')?.default, 8010);
  assert.equal(byName.get('token')?.repeatable, true);
  assert.equal(byName.get('token')?.default, 'phc_ingestbench');
  assert.deepEqual(byName.get('data')?.conflicts, ['memory']);
  assert.deepEqual(
    [byName.get('unknown-tokens')?.default, byName.get('unknown-tokens')?.choices],
    ['reject', ['reject', 'accept']],
  );
  assert.equal(byName.get('person-processing-opt-out')?.repeatable, true);
  assert.deepEqual(
    [byName.get('query-limits')?.default, byName.get('query-limits')?.choices],
    ['cloud', ['cloud', 'cloud-legacy', 'self-hosted', 'custom', 'none', 'legacy']],
  );
  // 0 concurrent queries is a state PostHog has (an organisation over its quota): allowed.
  assert.equal(byName.get('query-concurrency')?.min, 0);
});

test('parsed flags map to start options', () => {
  assert.deepEqual(
    serveOptionsToStart({
      host: '0.0.0.0',
      port: 0,
      token: ['phc_a', 'phc_b'],
      project: 3,
      'personal-key': 'phx_k',
      memory: true,
      fault: 'delay=1s',
      'query-limits': 'legacy',
      'unknown-tokens': 'accept',
      'person-processing-opt-out': ['4'],
    }),
    {
      queryLimits: 'legacy',
      unknownTokens: 'accept',
      personProcessingOptOut: [4],
      memory: true,
      host: '0.0.0.0',
      port: 0,
      tokens: ['phc_a', 'phc_b'],
      personalKey: 'phx_k',
      firstProjectId: 3,
      fault: 'delay=1s',
    },
  );
  // The cloud profile's concurrency and time limit, and a per-minute override, as options.
  assert.deepEqual(
    serveOptionsToStart({
      'query-limits': 'cloud',
      'query-per-minute': 100,
      'query-concurrency': 0,
      'query-time-limit': 30_000,
    }),
    {
      queryLimits: 'cloud',
      unknownTokens: 'reject',
      queryLimitOverrides: { perMinute: 100, concurrent: 0, maxExecutionMs: 30_000 },
      memory: false,
    },
  );
  assert.deepEqual(serveOptionsToStart({ data: './d', token: 'phc_x', port: '9000' }), {
    queryLimits: 'cloud',
    unknownTokens: 'reject',
    memory: false,
    data: './d',
    tokens: ['phc_x'],
    port: 9000,
  });
  assert.throws(
    () => serveOptionsToStart({ port: 'eighty' }),
    (e: unknown) => e instanceof IngestbenchError && e.code === 'USAGE' && /--port/.test(e.message),
  );
  assert.throws(() => serveOptionsToStart({ 'query-limits': 'free' }), { code: 'USAGE' });
  assert.throws(() => serveOptionsToStart({ 'unknown-tokens': 'drop' }), { code: 'USAGE' });
  assert.throws(() => serveOptionsToStart({ 'person-processing-opt-out': ['x'] }), { code: 'USAGE' });
});

test('serve --port 0 prints the real URLs, serves, and stops when the signal aborts', async () => {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const controller = new AbortController();
  const running = serve(
    { port: 0, memory: true, tokens: ['phc_secret_token'], personalKey: 'phx_secret_key' },
    { stdout, stderr },
    controller.signal,
  );
  const urls = await servedUrls(stdout);
  assert.match(urls['capture'] ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.doesNotMatch(urls['capture'] ?? '', /:0$/);
  assert.equal(urls['metrics'], `${urls['capture']}/metrics`);
  const health = await request(`${urls['capture']}/_liveness`);
  assert.equal(health.statusCode, 200);
  await health.body.dump();
  controller.abort();
  await running;
  assert.match(stderr.text, /stopped/);
  assert.doesNotMatch(stdout.text + stderr.text, /phc_secret_token|phx_secret_key/, 'keys are never printed');
  await assert.rejects(request(`${urls['capture']}/_liveness`), 'the port is closed');
});

test('bad options fail before anything listens', async () => {
  const io = { stdout: new TextSink(), stderr: new TextSink() };
  await assert.rejects(
    serve({ port: 0, memory: true, tokens: ['phx_personal'] }, io, new AbortController().signal),
    (e: unknown) =>
      e instanceof IngestbenchError &&
      e.code === 'USAGE' &&
      /--token #1/.test(e.message) &&
      !e.message.includes('phx_personal'),
  );
  await assert.rejects(
    serve({ port: 0, memory: true, fault: 'boom=1' }, io, new AbortController().signal),
    (e: unknown) => e instanceof IngestbenchError && /boom=1/.test(e.message),
  );
  await assert.rejects(
    serve({ port: 0, memory: true, personProcessingOptOut: [2] }, io, new AbortController().signal),
    (e: unknown) =>
      e instanceof IngestbenchError &&
      e.code === 'USAGE' &&
      /opt-out 2 names no project: the projects are 1/.test(e.message),
  );
});
