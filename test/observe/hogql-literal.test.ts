import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hogqlDateTime, hogqlLiteral, parseHogqlDateTime } from '../../src/observe/hogql-literal.js';
import { countsQuery, rowsQuery } from '../../src/observe/poll-queries.js';

describe('HogQL literals', () => {
  it('escapes quotes, backslashes and control characters', () => {
    assert.equal(hogqlLiteral("o'brien"), String.raw`'o\'brien'`);
    assert.equal(hogqlLiteral('a\\b'), String.raw`'a\\b'`);
    assert.equal(hogqlLiteral("x' OR 1=1 --"), String.raw`'x\' OR 1=1 --'`);
    assert.equal(hogqlLiteral('line\nnext\ttab\0'), String.raw`'line\nnext\ttab\0'`);
  });

  it('writes times as ISO with Z at ms precision, and reads PostHog µs timestamps back', () => {
    assert.equal(
      hogqlDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678) + 0.9),
      "toDateTime('2026-01-02T03:04:05.678Z')",
    );
    assert.equal(parseHogqlDateTime('2026-01-02T03:04:05.678123Z'), Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    assert.equal(parseHogqlDateTime('2026-01-02 03:04:05.678000+00:00'), Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    assert.equal(parseHogqlDateTime('2026-01-02T03:04:05'), Date.UTC(2026, 0, 2, 3, 4, 5));
    assert.equal(parseHogqlDateTime('nope'), null);
    assert.throws(() => hogqlDateTime(Number.NaN), RangeError);
  });

  it('builds row and count queries with the run id escaped, keyset cuts and no OFFSET', () => {
    const q = rowsQuery({
      runId: "r'1",
      ranges: [
        [0, 10],
        [20, 23],
      ],
      after: { ms: 5, uuid: "0190'x" },
      limit: 100,
    });
    assert.equal(
      q,
      "SELECT uuid, timestamp, created_at FROM events WHERE properties.ingestbench_run = 'r\\'1' AND " +
        "((timestamp >= toDateTime('1970-01-01T00:00:00.000Z') AND timestamp < toDateTime('1970-01-01T00:00:00.010Z')) OR " +
        "(timestamp >= toDateTime('1970-01-01T00:00:00.020Z') AND timestamp < toDateTime('1970-01-01T00:00:00.023Z'))) AND " +
        "(timestamp > toDateTime('1970-01-01T00:00:00.005Z') OR (timestamp = toDateTime('1970-01-01T00:00:00.005Z') AND uuid >= '0190\\'x')) " +
        'ORDER BY timestamp ASC, uuid ASC LIMIT 100',
    );
    assert.equal(
      countsQuery("r'1", [1000, 2000]),
      'SELECT properties.ingestbench_class AS event_class, count() AS row_count, count(DISTINCT uuid) AS uuid_count ' +
        "FROM events WHERE properties.ingestbench_run = 'r\\'1' AND timestamp >= toDateTime('1970-01-01T00:00:01.000Z') " +
        "AND timestamp < toDateTime('1970-01-01T00:00:02.000Z') GROUP BY properties.ingestbench_class",
    );
    assert.throws(() => rowsQuery({ runId: 'r', ranges: [], limit: 1 }), RangeError);
    assert.throws(() => rowsQuery({ runId: 'r', ranges: [[0, 1]], limit: 50_001 }), RangeError);
  });
});
