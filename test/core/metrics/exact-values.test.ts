/** Each metric on tiny arrays whose value is worked out by hand in the comment next to it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brenner, focusScore, localFocusScore, plls, tenengrad, varianceOfLaplacian } from '../../../src/core/metrics/index.js';

const close = (actual: number, expected: number, tol = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `expected ${expected}, got ${actual}`);

test('focusScore of [1, 3] is Σ(I−μ)²/(Nμ) = 2/(2·2) = 0.5', () => {
  close(focusScore({ data: [1, 3], width: 2, height: 1 }), 0.5);
});

test('focusScore of [0, 0, 6, 6] is 36/(4·3) = 3', () => {
  close(focusScore({ data: Uint16Array.from([0, 0, 6, 6]), width: 2, height: 2 }), 3);
});

test('localFocusScore with 2-px tiles: tile variances 0.5 and 0 give var/median = 0.0625/0.25 = 0.25', () => {
  // Left tile [1,3;1,3]: mean 2, Σd² = 4, v = 4/(4·2) = 0.5. Right tile [2,2;2,2]: v = 0.
  const data = [1, 3, 2, 2, 1, 3, 2, 2];
  close(localFocusScore({ data, width: 4, height: 2 }, { tileSize: 2 }), 0.25);
});

test('localFocusScore of a single tile is 0 (variance of one value)', () => {
  assert.equal(localFocusScore({ data: [1, 3, 1, 3], width: 2, height: 2 }, { tileSize: 20 }), 0);
});

test('varianceOfLaplacian of a lone bright pixel: responses −4 and 1 have variance 6.25', () => {
  // 4×3 image, interior pixels (1,1) and (2,1): L(1,1) = 0 − 4·1 = −4, L(2,1) = 1 (its left neighbour).
  const data = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
  close(varianceOfLaplacian({ data, width: 4, height: 3 }), 6.25);
});

test('brenner of a 3×3 step: horizontal mean 4, vertical 0 → 4', () => {
  close(brenner({ data: [0, 0, 2, 0, 0, 2, 0, 0, 2], width: 3, height: 3 }), 4);
});

test('brenner of a 4×3 ramp 0,1,2,3 per row: (2² ·6)/6 horizontal + 0 vertical = 4', () => {
  close(brenner({ data: [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], width: 4, height: 3 }), 4);
});

test('tenengrad of a 3×3 step: Gx = 4, Gy = 0 at the one interior pixel → 16', () => {
  close(tenengrad({ data: [0, 0, 1, 0, 0, 1, 0, 0, 1], width: 3, height: 3 }), 16);
});

test('tenengrad threshold at or above the gradient magnitude zeroes it', () => {
  const image = { data: [0, 0, 1, 0, 0, 1, 0, 0, 1], width: 3, height: 3 };
  assert.equal(tenengrad(image, { threshold: 4 }), 0);
  close(tenengrad(image, { threshold: 3.9 }), 16);
});

test('plls of two cosines on 32×32 is ln(B²/(A²+B²))/ln(3/2), CellProfiler folding included', () => {
  // 32×32 → radius labels 2 and 3 only. A·cos(2π·y/32): bin u=1 → label 2 (u=31 folds to 0 → label 1, ignored).
  // B·cos(2π·2x/32): bin v=2 → label 3, and v=30 folds to min(30, 1) = 1 → label 2. So S2 ∝ A²+B², S3 ∝ B².
  const A = 50;
  const B = 20;
  const data = new Float64Array(32 * 32);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) data[y * 32 + x] = 1000 + A * Math.cos((2 * Math.PI * y) / 32) + B * Math.cos((2 * Math.PI * 2 * x) / 32);
  }
  close(plls({ data, width: 32, height: 32 }), Math.log((B * B) / (A * A + B * B)) / Math.log(1.5), 1e-9);
});
