import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BatchBodyWriter, batchBody, encodeBatchBody } from '../../src/generate/batch-body.js';

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

describe('BatchBodyWriter', () => {
  const token = 'phc_"ü';
  // Non-ASCII (2 and 3 bytes), a surrogate pair (4 bytes) and a lone surrogate (U+FFFD's 3 bytes).
  const events = [
    '{"event":"a","properties":{"name":"José"}}',
    '{"event":"€ 🎉"}',
    `{"event":"${'\ud800'}"}`,
    '{"event":"b"}',
  ];

  it('writes the bytes of Buffer.from(batchBody()), whatever the size, growing its buffer', () => {
    const writer = new BatchBodyWriter(token);
    const large = Array.from(
      { length: 400 },
      (_, i) => `{"event":"e${i}","properties":{"x":"${'é'.repeat(200)}"}}`,
    );
    for (const batch of [events, events.slice(0, 1), [], large, events]) {
      assert.deepEqual(writer.write(batch), Buffer.from(batchBody(token, batch)));
    }
  });

  it('encodes bodies that own their bytes: a later body leaves an earlier one as it was', () => {
    const writer = new BatchBodyWriter(token);
    const text = batchBody(token, events);
    const plain = writer.encode(events, 'none');
    const gz = writer.encode(events, 'gzip');
    writer.encode(['{"event":"overwrites the buffer"}'], 'none');
    assert.deepEqual(plain.headers, { 'content-type': 'application/json' });
    // Bytes, not text: the lone surrogate decodes as U+FFFD.
    assert.deepEqual(plain.body, Buffer.from(text));
    assert.deepEqual(gz, encodeBatchBody(text, 'gzip'));
    assert.deepEqual(gunzipSync(gz.body), Buffer.from(text));
  });
});
