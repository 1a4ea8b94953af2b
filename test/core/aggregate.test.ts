import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatePatches, argmaxLevel, medianLevel } from '../../src/core/aggregate.js';
import type { PatchScore } from '../../src/core/types.js';

const card = { levels: 4, inFocusMaxLevel: 1 } as const;
const patch = (probs: number[], certainty: number): PatchScore => ({ x: 0, y: 0, w: 84, h: 84, level: argmaxLevel(probs), certainty, probs });
const close = (a: number, b: number, eps = 1e-12): void => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

describe('argmaxLevel / medianLevel', () => {
  it('argmax takes the first of equal maxima (the sharper level)', () => {
    assert.equal(argmaxLevel([0.1, 0.4, 0.4, 0.1]), 1);
  });

  it('median is the smallest k with cumulative probability ≥ ½', () => {
    assert.equal(medianLevel([0.1, 0.3, 0.1, 0.5]), 2); // 0.1, 0.4, 0.5 → k = 2
    assert.equal(medianLevel([0.5, 0.5, 0, 0]), 0);
    assert.equal(medianLevel([0, 0, 0, 1]), 3);
  });
});

describe('aggregatePatches', () => {
  it('weights patch distributions by their certainty (hand-computed)', () => {
    // weights 0.75 and 0.25: p = 0.75·[1,0,0,0] + 0.25·[0,0,0,1] = [0.75, 0, 0, 0.25]
    const r = aggregatePatches([patch([1, 0, 0, 0], 0.75), patch([0, 0, 0, 1], 0.25)], card);
    assert.deepEqual(r.probs, [0.75, 0, 0, 0.25]);
    assert.equal(r.level, 0);
    close(r.score, 0.75);
    close(r.meanCertainty, 0.5);
    assert.equal(r.maxCertainty, 0.75);
    close(r.certainty, 1 - (-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(4)));
    assert.equal(r.inFocus, true);
    assert.deepEqual(r.warnings, []);
  });

  it('ignores a patch with certainty 0 (background) when others have weight', () => {
    const r = aggregatePatches([patch([0, 0, 1, 0], 0.6), patch([0.25, 0.25, 0.25, 0.25], 0)], card);
    assert.deepEqual(r.probs, [0, 0, 1, 0]);
    assert.equal(r.level, 2);
    assert.equal(r.inFocus, false, 'level 2 is above the card threshold 1');
  });

  it('falls back to the unweighted mean with a warning when every certainty is 0', () => {
    const r = aggregatePatches([patch([0.25, 0.25, 0.25, 0.25], 0), patch([0.25, 0.25, 0.25, 0.25], 0)], card);
    assert.deepEqual(r.probs, [0.25, 0.25, 0.25, 0.25]);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /certainty 0/);
  });

  it('reads the level by median when asked, by the card when not, argmax by default', () => {
    const patches = [patch([0.3, 0.25, 0, 0.45], 1)];
    assert.equal(aggregatePatches(patches, card).level, 3);
    assert.equal(aggregatePatches(patches, card).aggregation, 'argmax');
    assert.equal(aggregatePatches(patches, card, { aggregation: 'median' }).level, 1);
    assert.equal(aggregatePatches(patches, { ...card, aggregation: 'median' }).level, 1);
    assert.equal(aggregatePatches(patches, { ...card, aggregation: 'median' }, { aggregation: 'argmax' }).level, 3);
  });

  it('rejects an empty patch list and a distribution of the wrong length', () => {
    assert.throws(() => aggregatePatches([], card), (e: Error) => e.name === 'ImageContentError');
    assert.throws(() => aggregatePatches([patch([0.5, 0.5], 1)], card), RangeError);
  });
});
