/** The FFT behind PLLS against a direct O(n²) DFT, for power-of-two and other lengths. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fftPlan } from '../../../src/core/metrics/fft.js';
import { seededRandom } from './fixtures.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      outRe[k] += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      outIm[k] += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
  }
  return [outRe, outIm];
}

for (const n of [1, 2, 3, 5, 8, 64, 84, 100, 130]) {
  test(`fft of length ${n} equals the direct DFT to 1e-9 relative`, () => {
    const rnd = seededRandom(n);
    const re = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
    const im = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
    const [er, ei] = naiveDft(re, im);
    fftPlan(n)(re, im);
    let scale = 1;
    for (let k = 0; k < n; k++) scale = Math.max(scale, Math.hypot(er[k]!, ei[k]!));
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(re[k]! - er[k]!) < 1e-9 * scale && Math.abs(im[k]! - ei[k]!) < 1e-9 * scale, `bin ${k}: ${re[k]}+${im[k]}i vs ${er[k]}+${ei[k]}i`);
    }
  });
}
