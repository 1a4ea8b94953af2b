// The all-in-focus composite's rules on hand-made patch verdicts: which slice each region takes, how weights blend
// between patch centres, and what happens with one slice, flat (background) patches and mismatched slices.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeAllInFocus } from '../../src/core/composite.js';
import { patchCertainty } from '../../src/core/certainty.js';
import { splitIntoPatches } from '../../src/core/patches.js';
import type { FocusResult, GrayImage, PatchScore } from '../../src/core/types.js';

const P = 84;
const LEVELS = 11;

/** A distribution peaked at a (possibly fractional) level: expected level ≈ `level`. */
function peaked(level: number): number[] {
  const lo = Math.floor(level);
  const hi = Math.min(LEVELS - 1, lo + 1);
  const p = Array.from({ length: LEVELS }, () => 0.001);
  p[lo]! += (1 - (level - lo)) * (1 - 0.011);
  p[hi]! += (level - lo) * (1 - 0.011);
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}

/** A result for slice `slice` whose patch k has expected level `levelOf(x, y)`. */
function result(width: number, height: number, slice: number, levelOf: (x: number, y: number) => number): FocusResult {
  const patches: PatchScore[] = splitIntoPatches(width, height, P).map((r) => {
    const probs = peaked(levelOf(r.x, r.y));
    return { ...r, level: Math.round(levelOf(r.x, r.y)), certainty: patchCertainty(probs), probs };
  });
  const score = patches.reduce((a, p) => a + p.probs.reduce((s, v, k) => s + v * k, 0), 0) / patches.length;
  return { width, height, slice, level: Math.round(score), score, certainty: 0.5, meanCertainty: 0.5, maxCertainty: 0.5, inFocus: score <= 2, probs: peaked(score), patches, timings: {} };
}

const flat = (width: number, height: number, value: number): GrayImage => ({ data: new Uint16Array(width * height).fill(value), width, height, bitDepth: 16 });

describe('composeAllInFocus', () => {
  const W = 6 * P;
  const H = 2 * P;
  // Slice s is a flat image of value 1000·(s+1): a composite pixel tells which slices it mixes.
  const planes = [0, 1, 2].map((s) => flat(W, H, 1000 * (s + 1)));
  // Left third in focus at slice 0, right third at slice 2, middle third flat scores (background): 5.5 everywhere.
  const levelOf = (s: number) => (x: number): number => (x < 2 * P ? [0, 3, 6][s]! : x >= 4 * P ? [6, 3, 0][s]! : 5.5);
  const results = [0, 1, 2].map((s) => result(W, H, s, levelOf(s)));

  it('takes each region from the slice where its patches are sharpest, exactly', () => {
    const c = composeAllInFocus(planes, results);
    for (const y of [0, H / 2, H - 1]) {
      for (const x of [0, P / 2, P]) assert.equal(c.image.data[y * W + x], 1000, `left (${x},${y})`);
      for (const x of [W - 1, W - P / 2 - 1, W - P - 1]) assert.equal(c.image.data[y * W + x], 3000, `right (${x},${y})`);
      assert.equal(c.depth.data[y * W + 10], 0);
      assert.equal(c.depth.data[y * W + W - 10], 2);
    }
    assert.equal(c.image.bitDepth, 16);
    assert.deepEqual(c.notes, []);
  });

  it('blends smoothly between patch centres: every pixel a convex mix, monotone across the image, no jump at patch borders', () => {
    const c = composeAllInFocus(planes, results);
    const row = Array.from({ length: W }, (_, x) => c.image.data[(H / 2) * W + x]!);
    for (const v of row) assert.ok(v >= 1000 && v <= 3000, String(v));
    for (let x = 1; x < W; x++) assert.ok(row[x]! >= row[x - 1]!, `not monotone at x=${x}: ${row[x - 1]} → ${row[x]}`);
    // Largest step anywhere vs the largest step across a patch border: borders are not special.
    const steps = row.slice(1).map((v, i) => v - row[i]!);
    const border = Math.max(...[P, 2 * P, 3 * P, 4 * P, 5 * P].map((b) => steps[b - 1]!));
    assert.ok(border <= Math.max(...steps), 'a patch border carries the largest jump');
    assert.ok(Math.max(...steps) < 200, `a jump of ${Math.max(...steps)} counts between neighbouring pixels`);
  });

  it('lets patches without depth evidence (flat scores) follow the stack’s sharpest slice', () => {
    // Slice 1 sharpest overall: the flat middle must come from it, however the image-level scores were built.
    const sharp1 = [0, 1, 2].map((s) => result(W, H, s, (x) => (x < 2 * P || x >= 4 * P ? [4, 1, 4][s]! : 5.5)));
    const c = composeAllInFocus(planes, sharp1);
    assert.equal(c.bestSlice, 1);
    assert.equal(c.image.data[(H / 2) * W + 3 * P], 2000);
    assert.ok(c.share[1]! > 0.99);
  });

  it('returns the one measured slice unchanged, with a note', () => {
    const c = composeAllInFocus(planes, [results[1]!]);
    assert.deepEqual(c.image.data, planes[1]!.data);
    assert.match(c.notes[0]!, /only one slice/);
    assert.equal(c.bestSlice, 1);
  });

  it('keeps 8-bit and 32-bit data in their own type and range', () => {
    for (const bitDepth of [8, 32] as const) {
      const p8 = [0, 1, 2].map((s) => ({ ...flat(W, H, 0), bitDepth, data: bitDepth === 8 ? new Uint8Array(W * H).fill(50 * (s + 1)) : new Float32Array(W * H).fill(0.25 * (s + 1)) }));
      const c = composeAllInFocus(p8, results);
      assert.equal(c.image.bitDepth, bitDepth);
      assert.ok(bitDepth === 8 ? c.image.data instanceof Uint8Array : c.image.data instanceof Float32Array);
      assert.equal(c.image.data[0], bitDepth === 8 ? 50 : 0.25);
    }
  });

  it('refuses slices of different sizes, an empty list and a slice index outside the stack', () => {
    const odd = [...planes.slice(0, 2), flat(W, H + 1, 5)];
    assert.throws(() => composeAllInFocus(odd, results), { name: 'ImageContentError', message: /differ in size/ });
    assert.throws(() => composeAllInFocus(planes, []), { name: 'ImageContentError' });
    assert.throws(() => composeAllInFocus(planes.slice(0, 2), results), { name: 'ImageContentError', message: /slice 2/ });
  });
});
