import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePatch, describePatches } from '../../../src/hosts/element/describe.js';

const patches = (spec: [level: number, certainty: number, count: number][]) => spec.flatMap(([level, certainty, n]) => Array.from({ length: n }, () => ({ level, certainty })));

describe('overlay description', () => {
  it('counts the in-focus levels together and every other level on its own, in level order', () => {
    const text = describePatches(patches([[3, 0.8, 5], [0, 0.9, 50], [2, 0.7, 8]]), 2);
    assert.equal(text, '63 patches: 58 at levels 0–2 (in focus), 5 at level 3');
  });

  it('says how many patches are too uncertain to count for much', () => {
    const text = describePatches(patches([[10, 0.7, 40], [5, 0.05, 23]]), 2);
    assert.equal(text, '63 patches: 23 at level 5, 40 at level 10; 23 of them with certainty below 0.2 (mostly background)');
  });

  it('lists every level on its own when the in-focus threshold is unknown, and handles one patch and none', () => {
    assert.equal(describePatches(patches([[1, 0.9, 2], [0, 0.9, 1]])), '3 patches: 1 at level 0, 2 at level 1');
    assert.equal(describePatches(patches([[4, 0.9, 1]]), 2), '1 patch: 1 at level 4');
    assert.equal(describePatches([], 2), 'no patches');
  });

  it('reads one patch with its place, level, in/out of focus and certainty', () => {
    const p = { x: 168, y: 84, w: 84, h: 84, level: 3, certainty: 0.8234 };
    assert.equal(describePatch(p, 11, 63, 2), 'Patch 12 of 63 at x 168, y 84: level 3 (out of focus), certainty 0.82');
    assert.equal(describePatch({ ...p, level: 1, certainty: 0.1 }, 0, 63, 2), 'Patch 1 of 63 at x 168, y 84: level 1 (in focus), certainty 0.10, too uncertain to rely on');
  });
});
