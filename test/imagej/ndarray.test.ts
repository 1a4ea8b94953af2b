import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImJoyNdArray } from '../../src/image-input.js';
import { interleavedToLuminance } from '../../src/io/luminance.js';
import { planeFromImageJ } from '../../src/hosts/imagej/ndarray.js';

const nd = (data: ArrayBufferView, shape: number[], dtype: string): ImJoyNdArray => ({ _rtype: 'ndarray', _rvalue: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), _rshape: shape, _rdtype: dtype });

test('a [h, w, 1] uint16 plane keeps its pixels and bit depth', () => {
  const px = Uint16Array.from({ length: 6 }, (_, i) => i * 1000);
  const { plane, warning } = planeFromImageJ(nd(px, [2, 3, 1], 'uint16'), 3, 2, 'x');
  assert.deepEqual([plane.width, plane.height, plane.bitDepth, [...plane.data]], [3, 2, 16, [...px]]);
  assert.equal(warning, undefined);
  assert.equal(planeFromImageJ(nd(Float32Array.of(0.5, 2), [1, 2, 1], 'float32'), 2, 1, 'x').plane.bitDepth, 32);
});

test('an RGB plane [h, w, 4] is the luminance of the bytes the layout names, equal to the CLI\'s conversion', () => {
  // Two pixels in B,G,R,A order: (R,G,B) = (200, 100, 50) and (10, 20, 250).
  const bgra = Uint8Array.of(50, 100, 200, 255, 250, 20, 10, 255);
  const { plane, warning } = planeFromImageJ(nd(bgra, [1, 2, 4], 'uint8'), 2, 1, 'x', 'bgra');
  const expected = interleavedToLuminance(Uint8Array.of(200, 100, 50, 10, 20, 250), 3, (n) => new Uint8Array(n));
  assert.deepEqual([...plane.data], [...expected]);
  assert.equal(plane.bitDepth, 8);
  assert.match(warning!, /colour image measured as its luminance/);
  // The same picture in R,G,B,A order with the matching layout reads the same.
  const rgba = Uint8Array.of(200, 100, 50, 255, 10, 20, 250, 255);
  assert.deepEqual([...planeFromImageJ(nd(rgba, [1, 2, 4], 'uint8'), 2, 1, 'x', 'rgba').plane.data], [...expected]);
});

test('pixels ImageJ.JS would not send are ImageFormatErrors naming the source', () => {
  assert.throws(() => planeFromImageJ(new ArrayBuffer(4), 2, 2, 'cells.tif'), { name: 'ImageFormatError', file: 'cells.tif', message: 'ImageJ did not return the image pixels' });
  assert.throws(() => planeFromImageJ(nd(new Uint8Array(6), [2, 3, 1], 'uint8'), 2, 3, 'x'), { name: 'ImageFormatError', message: /shape \[2, 3, 1\] for a 2×3 plane/ });
  assert.throws(() => planeFromImageJ(nd(new Uint8Array(12), [1, 1, 3, 4], 'uint8'), 1, 1, 'x'), { name: 'ImageFormatError', message: /shape/ });
  assert.throws(() => planeFromImageJ(nd(new Uint8Array(8), [1, 2, 4], 'uint8'), 2, 1, 'x'), { name: 'ImageFormatError', message: /byte order/ });
  assert.throws(() => planeFromImageJ(nd(new Uint16Array(8), [1, 2, 4], 'uint16'), 2, 1, 'x', 'rgba'), { name: 'ImageFormatError', message: /not RGB/ });
});
