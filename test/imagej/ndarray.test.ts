import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planesFromNdarray, type NdArray } from '../../src/hosts/imagej/ndarray.js';

const nd = (data: ArrayBufferView, shape: number[], dtype: string): NdArray => ({ _rtype: 'ndarray', _rvalue: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, _rshape: shape, _rdtype: dtype });

test('a [h,w] uint16 ndarray is one 16-bit plane with the same pixels', () => {
  const px = Uint16Array.from({ length: 6 }, (_, i) => i * 1000);
  const p = planesFromNdarray(nd(px, [2, 3], 'uint16'));
  assert.deepEqual([p.width, p.height, p.bitDepth, p.planes.length], [3, 2, 16, 1]);
  assert.deepEqual([...p.planes[0]!.data], [...px]);
});

test('[z,h,w,1] splits into z planes in order', () => {
  const px = Float32Array.from({ length: 12 }, (_, i) => i / 12);
  const p = planesFromNdarray(nd(px, [3, 2, 2, 1], 'float32'));
  assert.equal(p.planes.length, 3);
  assert.deepEqual([...p.planes[2]!.data], [...px.slice(8)]);
  assert.equal(p.bitDepth, 32);
});

test('[h,w,z] (a stack per ImageJ dimensions) is de-interleaved; [h,w,3] of a single image is RGB → luminance + warning', () => {
  const px = Uint8Array.from([1, 10, 2, 20, 3, 30, 4, 40]); // 2×2 pixels, 2 slices interleaved
  const stack = planesFromNdarray(nd(px, [2, 2, 2], 'uint8'), [2, 2, 1, 2, 1]);
  assert.deepEqual(stack.planes.map((q) => [...q.data]), [[1, 2, 3, 4], [10, 20, 30, 40]]);
  const rgb = planesFromNdarray(nd(Uint8Array.from([255, 0, 0, 0, 255, 0]), [1, 2, 3], 'uint8'), [2, 1, 1, 1, 1]);
  assert.deepEqual([...rgb.planes[0]!.data], [76, 150]);
  assert.match(rgb.warnings[0]!, /RGB/);
});

test('64-bit, other types and shapes that do not fit their data are ImageFormatErrors', () => {
  assert.throws(() => planesFromNdarray(nd(new Float64Array(4), [2, 2], 'float64')), { name: 'ImageFormatError', message: /64-bit/ });
  assert.throws(() => planesFromNdarray(nd(new Int32Array(4), [2, 2], 'int32')), { name: 'ImageFormatError', message: /int32/ });
  assert.throws(() => planesFromNdarray(nd(new Uint8Array(5), [2, 2], 'uint8')), { name: 'ImageFormatError', message: /does not match/ });
  assert.throws(() => planesFromNdarray(nd(new Uint8Array(4), [1, 1, 1, 2, 2], 'uint8')), { name: 'ImageFormatError', message: /shape/ });
});

test('a multichannel image (ImageJ channels > 1) measures channel 1 with a warning, never as colour', () => {
  const px = Uint16Array.from([1, 100, 2, 200, 3, 300, 4, 400]); // 2×2 pixels, 2 channels interleaved
  const p = planesFromNdarray(nd(px, [1, 2, 2, 2], 'uint16'), [2, 2, 2, 1, 1]);
  assert.deepEqual([...p.planes[0]!.data], [1, 2, 3, 4]);
  assert.match(p.warnings[0]!, /2 channels; channel 1/);
});
