import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patchOffsets, splitIntoPatches } from '../../src/core/patches.js';
import type { PatchRect } from '../../src/core/types.js';

/** Counts how often each pixel is covered; every pixel must be covered at least once. */
function coverage(width: number, height: number, rects: readonly PatchRect[]): Uint8Array {
  const c = new Uint8Array(width * height);
  for (const r of rects) for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) c[y * width + x]!++;
  return c;
}

describe('splitIntoPatches', () => {
  it('rejects 83×83 (smaller than one patch) with an ImageContentError naming the size', () => {
    assert.throws(() => splitIntoPatches(83, 83, 84), (e: Error) => e.name === 'ImageContentError' && /83×83/.test(e.message));
    assert.throws(() => splitIntoPatches(84, 83, 84), (e: Error) => e.name === 'ImageContentError' && /84×83/.test(e.message));
  });

  it('gives exactly one patch for 84×84', () => {
    assert.deepEqual(splitIntoPatches(84, 84, 84), [{ x: 0, y: 0, w: 84, h: 84 }]);
  });

  it('keeps the last row and column when the size is an exact multiple (168 → 2 per axis, no overlap)', () => {
    assert.deepEqual(patchOffsets(168, 84), [0, 84]);
    const rects = splitIntoPatches(168, 168, 84);
    assert.equal(rects.length, 4);
    assert.ok(coverage(168, 168, rects).every((v) => v === 1));
  });

  it('shifts the last patch to end at the edge for 169 (offsets 0, 84, 85)', () => {
    assert.deepEqual(patchOffsets(169, 84), [0, 84, 85]);
    assert.equal(splitIntoPatches(169, 84, 84).length, 3);
  });

  it('covers every pixel of 700×500 with 9×6 patches, all inside the image', () => {
    const rects = splitIntoPatches(700, 500, 84);
    assert.deepEqual(patchOffsets(700, 84), [0, 84, 168, 252, 336, 420, 504, 588, 616]);
    assert.deepEqual(patchOffsets(500, 84), [0, 84, 168, 252, 336, 416]);
    assert.equal(rects.length, 54);
    for (const r of rects) assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= 700 && r.y + r.h <= 500);
    const c = coverage(700, 500, rects);
    assert.ok(c.every((v) => v >= 1), 'a pixel is not covered');
    assert.equal(c.reduce((m, v) => Math.max(m, v), 0), 4, 'only the bottom-right corner region is covered by 4 patches');
  });

  it('orders patches row-major (y, then x)', () => {
    const rects = splitIntoPatches(200, 200, 84);
    const keys = rects.map((r) => r.y * 1000 + r.x);
    assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
  });
});
