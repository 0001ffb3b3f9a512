// The nesting limit capture shares with PostHog's serde_json parser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exceedsJsonDepth } from '../../../src/reference/capture/json-depth.js';

test('JSON depth: 128 levels pass, 129 do not (as serde_json in PostHog capture)', () => {
  const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));
  assert.equal(exceedsJsonDepth(nested(128)), false);
  assert.equal(exceedsJsonDepth(nested(129)), true);
  assert.equal(exceedsJsonDepth({ a: [{ b: { c: [] } }], d: 'x' }, 5), false);
  assert.equal(exceedsJsonDepth({ a: [{ b: { c: [] } }], d: 'x' }, 4), true);
  assert.equal(exceedsJsonDepth('scalar'), false);
});
