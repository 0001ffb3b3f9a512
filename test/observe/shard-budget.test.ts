import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeShardBudget, shardQueryLimits } from '../../src/observe/shard-budget.js';
import { POSTHOG_QUERY_LIMITS } from '../../src/observe/query-budget.js';

describe("a shard's share of the key's query budget", () => {
  it('gives each of n shards 1/n of every limit, rounded down, at least 1', () => {
    assert.deepEqual(shardQueryLimits(POSTHOG_QUERY_LIMITS, 4), {
      perMinute: 60,
      perHour: 600,
      concurrent: 1,
    });
    assert.deepEqual(shardQueryLimits({ perMinute: 100, perHour: 2400, concurrent: 3 }, 3), {
      perMinute: 33,
      perHour: 800,
      concurrent: 1,
    });
    assert.deepEqual(shardQueryLimits({ perMinute: 240, perHour: Infinity, concurrent: 3 }, 1), {
      perMinute: 240,
      perHour: Infinity,
      concurrent: 3,
    });
    // The shares never add up to more than the key allows, but for the floor of 1.
    for (const n of [2, 3, 5, 7, 16]) {
      const share = shardQueryLimits(POSTHOG_QUERY_LIMITS, n);
      assert.ok(share.perMinute * n <= 240 && share.perHour * n <= 2400, `${n} shards`);
    }
  });

  it('says which share of whose budget, and where at least 1 each goes over the key', () => {
    const line = describeShardBudget(POSTHOG_QUERY_LIMITS, { index: 2, count: 4 });
    assert.match(
      line,
      /^shard 2\/4 spends 1\/4 of the key's query budget \(240\/min, 2,400\/hour, 3 at once, shared by every shard\)/,
    );
    assert.match(line, /the 4 shards together may use 4 at once, over the key's$/);
    assert.doesNotMatch(describeShardBudget(POSTHOG_QUERY_LIMITS, { index: 1, count: 3 }), /over the key's/);
  });
});
