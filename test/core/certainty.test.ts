import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patchCertainty } from '../../src/core/certainty.js';

describe('patchCertainty', () => {
  it('is 1 for a one-hot distribution', () => {
    const p = new Array(11).fill(0);
    p[4] = 1;
    assert.equal(patchCertainty(p), 1);
  });

  it('is 0 for the uniform distribution over 11 levels', () => {
    assert.ok(Math.abs(patchCertainty(new Array(11).fill(1 / 11))) < 1e-12);
  });

  it('is 1 − ln 2 / ln 11 ≈ 0.710935 for two levels at ½ each', () => {
    const p = new Array(11).fill(0);
    p[0] = 0.5;
    p[1] = 0.5;
    assert.ok(Math.abs(patchCertainty(p) - (1 - Math.log(2) / Math.log(11))) < 1e-12);
    assert.ok(Math.abs(patchCertainty(p) - 0.710935) < 1e-6);
  });

  it('grows as a distribution sharpens', () => {
    const soft = [0.4, 0.3, 0.3, 0, 0, 0, 0, 0, 0, 0, 0];
    const sharp = [0.8, 0.1, 0.1, 0, 0, 0, 0, 0, 0, 0, 0];
    assert.ok(patchCertainty(sharp) > patchCertainty(soft));
  });
});
