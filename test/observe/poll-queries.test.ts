// Every HogQL string the poller can build, parsed by PostHog's own grammar
// (@posthog/hogql-parser, PostHog's ANTLR parser in WebAssembly): "the harness sends it" must mean
// "PostHog parses it". The parse tree is checked for what matters too: no OFFSET, a LIMIT ≤ 50,000.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import createHogQLParser, { type HogQLParser } from '@posthog/hogql-parser';
import { countsQuery, MAX_QUERY_LIMIT, preflightQuery, rowsQuery } from '../../src/observe/poll-queries.js';

const T = Date.UTC(2026, 0, 1, 12);

/** Every query shape the poller sends (a run id with quote, backslash and newline). */
function everyQuery(): Record<string, string> {
  const runId = "run-o'brien\\1\n";
  return {
    window: rowsQuery({ runId, ranges: [[T, T + 5000]], limit: MAX_QUERY_LIMIT }),
    stragglers: rowsQuery({
      runId,
      ranges: [
        [T, T + 3],
        [T + 100, T + 103],
        [T + 900, T + 903],
      ],
      limit: 1000,
    }),
    keysetPage: rowsQuery({
      runId,
      ranges: [[T, T + 5000]],
      after: { ms: T + 1234, uuid: '01943a5c-0000-7000-8000-000000000001' },
      limit: MAX_QUERY_LIMIT,
    }),
    counts: countsQuery(runId, [T - 60_000, T + 60_000]),
    preflight: preflightQuery(T),
  };
}

describe("poll queries under PostHog's HogQL grammar", () => {
  let parser: HogQLParser;
  before(async () => {
    parser = await createHogQLParser();
  });

  for (const [name, query] of Object.entries(everyQuery())) {
    it(`parses the ${name} query, with no OFFSET and a LIMIT within PostHog's maximum`, () => {
      const ast = JSON.parse(parser.parseSelect(query, true)) as Record<string, unknown>;
      assert.notEqual(ast.error, true, `${query}\n→ ${JSON.stringify(ast)}`);
      assert.equal(ast.node, 'SelectQuery');
      assert.equal(ast.offset ?? null, null, 'no OFFSET');
      if (ast.limit !== undefined && ast.limit !== null) {
        const limit = (ast.limit as { value?: unknown }).value;
        assert.ok(typeof limit === 'number' && limit <= MAX_QUERY_LIMIT, `LIMIT ${String(limit)}`);
      }
      // The run id reaches the tree as the exact string, not a broken or widened filter.
      if (name !== 'preflight') assert.ok(JSON.stringify(ast).includes(JSON.stringify("run-o'brien\\1\n")));
    });
  }
});
