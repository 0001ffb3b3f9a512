import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, didYouMeanSuffix, editDistance } from '../../src/core/did-you-mean.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    assert.equal(editDistance('phases', 'phases'), 0);
    assert.equal(editDistance('phaes', 'phases'), 1);
    assert.equal(editDistance('pahses', 'phases'), 1);
    assert.equal(editDistance('weigth', 'weight'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
});

describe('didYouMean', () => {
  const keys = ['name', 'seed', 'phases', 'batch_size', 'behaviours'];

  it('suggests the closest key within a plausible number of edits', () => {
    assert.equal(didYouMean('phaes', keys), 'phases');
    assert.equal(didYouMean('behaviors', keys), 'behaviours');
    assert.equal(didYouMean('Batch_Size', keys), 'batch_size');
    assert.equal(didYouMeanSuffix('sed', keys), ' (did you mean "seed"?)');
  });

  it('stays silent when nothing is close', () => {
    assert.equal(didYouMean('completely_different', keys), undefined);
    assert.equal(didYouMean('xy', keys), undefined);
    assert.equal(didYouMeanSuffix('zzzzzz', keys), '');
  });
});
