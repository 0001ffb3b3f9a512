import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ceilingFromTimeline } from '../../src/capacity/generator-ceiling.js';
import { IngestbenchError } from '../../src/errors.js';

const point = (second: number, acknowledged: number) => ({
  second,
  sent: acknowledged,
  acknowledged,
  errors: 0,
});

describe('ceilingFromTimeline', () => {
  it('averages the whole seconds, leaving out the partial first and last', () => {
    // Workers started late (second 2, a few events), full seconds at 9,000 and 11,000, cut at the deadline.
    assert.equal(
      ceilingFromTimeline([point(1, 0), point(2, 300), point(3, 9000), point(4, 11_000), point(5, 500)]),
      10_000,
    );
  });

  it('uses what there is when the burst had fewer than three seconds of acknowledgements', () => {
    assert.equal(ceilingFromTimeline([point(0, 4000), point(1, 6000)]), 5000);
  });

  it('refuses a burst that acknowledged nothing instead of reporting a ceiling of 0', () => {
    assert.throws(
      () => ceilingFromTimeline([point(0, 0)]),
      (e: unknown) => e instanceof IngestbenchError && e.code === 'INTERNAL',
    );
  });
});
