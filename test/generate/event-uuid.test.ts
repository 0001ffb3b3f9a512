import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createEventUuidEncoder,
  decodeEventUuid,
  encodeEventUuid,
  runTag,
} from '../../src/generate/event-uuid.js';

describe('createEventUuidEncoder', () => {
  it('encodes exactly what encodeEventUuid does, across ms changes and large seqs', () => {
    const tag = runTag('run-encoder');
    const encode = createEventUuidEncoder(tag, 513);
    const t0 = Date.UTC(2026, 10, 26, 7, 0, 0);
    for (const [seq, ms] of [
      [0, t0],
      [1, t0 + 0.4],
      [2, t0 + 0.9],
      [3, t0 + 1.2],
      [2 ** 40 - 1, t0 + 86_400_000.5],
    ] as const) {
      assert.equal(encode(seq, ms), encodeEventUuid(tag, 513, seq, ms));
      assert.deepEqual(decodeEventUuid(encode(seq, ms), tag), { worker: 513, seq, unixMs: Math.floor(ms) });
    }
  });
});
