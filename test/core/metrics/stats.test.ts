/** Helpers behind the metrics: numpy-compatible medians, including the histogram path for integer images. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianAbsDeviation, medianInPlace, leastSquaresSlope } from '../../../src/core/metrics/stats.js';
import { seededRandom } from './fixtures.js';

test('medianInPlace averages the two middle values for even n, as numpy does', () => {
  assert.equal(medianInPlace(Float64Array.from([4, 1, 3, 2])), 2.5);
  assert.equal(medianInPlace(Float64Array.from([5, 1, 3])), 3);
  assert.equal(medianInPlace(Float64Array.from([7, 7, 7, 7, 7])), 7);
});

test('medianInPlace equals the sorted-array median on random data with many ties', () => {
  const rnd = seededRandom(3);
  for (const n of [1, 2, 99, 1000, 1001]) {
    const xs = Float64Array.from({ length: n }, () => Math.floor(rnd() * 20));
    const sorted = [...xs].sort((a, b) => a - b);
    const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    assert.equal(medianInPlace(xs), expected, `n=${n}`);
  }
});

test('medianAbsDeviation: the 16-bit histogram path equals the float path, odd and even sizes', () => {
  const rnd = seededRandom(5);
  for (const n of [1, 2, 7, 10, 4096, 4097]) {
    const u16 = Uint16Array.from({ length: n }, () => Math.floor(rnd() * rnd() * 5000));
    const centre = u16.reduce((s, v) => s + v, 0) / n;
    assert.equal(medianAbsDeviation(u16, centre), medianAbsDeviation(Float64Array.from(u16), centre), `n=${n}`);
    const u8 = Uint8Array.from(u16, (v) => v % 256);
    const c8 = u8.reduce((s, v) => s + v, 0) / n;
    assert.equal(medianAbsDeviation(u8, c8), medianAbsDeviation(Float64Array.from(u8), c8), `u8 n=${n}`);
  }
});

test('leastSquaresSlope recovers the slope of an exact line', () => {
  assert.ok(Math.abs(leastSquaresSlope([1, 2, 3, 4], [1, -1, -3, -5]) + 2) < 1e-12);
});
