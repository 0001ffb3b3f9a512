import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScenario, ScenarioInvalidError } from '../../src/scenario/load-scenario.js';

const BASE = `name: t
phases:
  - kind: steady
    rate: 100
    duration: 10s
behaviours:
  - kind: pageview
`;

describe('observation.method and observation.bucket', () => {
  it('default to auto and 1 s', () => {
    const s = parseScenario(BASE, 't.yaml');
    assert.equal(s.observation.method, 'auto');
    assert.equal(s.observation.bucketMs, 1000);
  });

  it('take exact, counts and whole-second buckets', () => {
    const s = parseScenario(`${BASE}observation:\n  method: counts\n  bucket: 5s\n`, 't.yaml');
    assert.equal(s.observation.method, 'counts');
    assert.equal(s.observation.bucketMs, 5000);
    assert.equal(
      parseScenario(`${BASE}observation:\n  method: exact\n`, 't.yaml').observation.method,
      'exact',
    );
  });

  it('refuse an unknown method and a bucket that is not whole seconds, naming field and line', () => {
    for (const [text, path, line, message] of [
      [`${BASE}observation:\n  method: sampled\n`, 'observation.method', 9, /auto|exact|counts/],
      [`${BASE}observation:\n  bucket: 1500ms\n`, 'observation.bucket', 9, /whole number of seconds/],
      [`${BASE}observation:\n  bucket: 500ms\n`, 'observation.bucket', 9, /whole number of seconds/],
    ] as const) {
      assert.throws(
        () => parseScenario(text, 't.yaml'),
        (error: unknown) => {
          assert.ok(error instanceof ScenarioInvalidError);
          assert.equal(error.code, 'SCENARIO_INVALID');
          const [problem] = error.problems;
          assert.equal(problem?.path, path);
          assert.equal(problem?.line, line);
          assert.match(problem?.message ?? '', message);
          return true;
        },
      );
    }
  });
});
