import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { batchBody, encodeBatchBody } from '../../src/generate/batch-body.js';

describe('batchBody', () => {
  it('is {api_key, batch} with the events as given and no sent_at', () => {
    const text = batchBody('phc_"quoted', ['{"event":"a"}', '{"event":"b"}']);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(parsed, { api_key: 'phc_"quoted', batch: [{ event: 'a' }, { event: 'b' }] });
    assert.equal('sent_at' in parsed, false);
  });
});

describe('encodeBatchBody', () => {
  it('sends JSON as is, or gzip with Content-Encoding: gzip that inflates back to the text', () => {
    const text = batchBody('phc_x', ['{"event":"a"}']);
    assert.deepEqual(encodeBatchBody(text, 'none'), {
      body: text,
      headers: { 'content-type': 'application/json' },
    });
    const gz = encodeBatchBody(text, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(Buffer.isBuffer(gz.body));
    assert.deepEqual([...gz.body.subarray(0, 3)], [0x1f, 0x8b, 0x08]);
    assert.equal(gunzipSync(gz.body).toString(), text);
  });
});
