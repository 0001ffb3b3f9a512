// The merge driven by per-field rules (merge-rules.ts) gives, on every merge the merge tests
// make, exactly the report the hand-written merge it replaced gave: its output on those inputs is
// recorded in test/fixtures/merge/merged-by-hand.json (made at 84c385a, before the rules).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IngestbenchError } from '../../src/errors.js';
import { fields, present, same, sum, type MergeContext, type Rules } from '../../src/report/merge-rules.js';
import { mergeReports } from '../../src/report/merge-reports.js';
import type { Report } from '../../src/report/report-types.js';
import { findRepoRoot } from '../../src/cli/write-json-schema.js';
import { mergeCases } from './merge-fixture.js';

const root = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));

describe('merge by rules', () => {
  it('gives what the hand-written merge gave, case by case', async () => {
    const recorded = JSON.parse(
      await readFile(join(root, 'test/fixtures/merge/merged-by-hand.json'), 'utf8'),
    ) as Record<string, Report>;
    const cases = mergeCases();
    assert.deepEqual(Object.keys(cases), Object.keys(recorded));
    for (const [name, shards] of Object.entries(cases)) {
      // Through JSON, as report.json is written: an absent field and an undefined one are alike there.
      const merged = JSON.parse(JSON.stringify(mergeReports(shards))) as Report;
      assert.deepEqual(merged, recorded[name], name);
      // Field order too, so a report.json reads as it did.
      assert.equal(JSON.stringify(merged), JSON.stringify(recorded[name]), `${name}: field order`);
    }
  });

  const context: MergeContext = {
    runId: 'nightly',
    names: ['shard 1/2', 'shard 2/2'],
    givenFirst: 0,
    merged: { count: 2, present: [1, 2], missing: [], partial: [] },
    path: '',
  };

  it('applies a table field by field, leaving out an optional field no shard has', () => {
    const merge = fields<{ a: number; b: { c: number; d?: number } }>({
      a: sum,
      b: fields<{ c: number; d?: number }>({ c: sum, d: present(sum) }),
    });
    assert.deepEqual(
      merge(
        [
          { a: 1, b: { c: 2 } },
          { a: 3, b: { c: 4, d: 5 } },
        ],
        context,
        [],
      ),
      { a: 4, b: { c: 6, d: 5 } },
    );
    assert.deepEqual(merge([{ a: 1, b: { c: 2 } }], context, []), { a: 1, b: { c: 2 } });
  });

  it('refuses shards that differ where they must agree, naming the field and the shards', () => {
    const merge = fields<{ scenario: { name: string } }>({
      scenario: fields<{ name: string }>({ name: same('run every shard with the same scenario') }),
    });
    assert.throws(
      () => merge([{ scenario: { name: 'a' } }, { scenario: { name: 'b' } }], context, []),
      (e: unknown) => {
        assert.ok(e instanceof IngestbenchError);
        assert.equal(e.code, 'USAGE');
        assert.match(e.message, /^shard 2\/2 of run nightly has scenario\.name "b", shard 1\/2 has "a"/);
        return true;
      },
    );
  });

  it('has no table without a rule for every field (a type error, checked when the tests compile)', () => {
    // @ts-expect-error: b has no rule.
    const missing: Rules<{ a: number; b: number }> = { a: sum };
    // @ts-expect-error: an optional field needs a rule too (one that may leave it out).
    const optional: Rules<{ a: number; b?: number }> = { a: sum };
    const complete: Rules<{ a: number; b?: number }> = { a: sum, b: present(sum) };
    assert.deepEqual(
      [missing, optional, complete].map((table) => Object.keys(table)),
      [['a'], ['a'], ['a', 'b']],
    );
  });
});
