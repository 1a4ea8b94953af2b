// The one in-memory pixel decoder: ImJoy/ImageJ.JS ndarrays of every dtype and layout, raw typed arrays, and the
// validation of what a caller says about them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNEL_ORDERS, decodeNdArray, toImageStack, type ChannelOrder, type ImJoyNdArray } from '../src/image-input.js';

const nd = (data: ArrayBufferView, shape: number[], dtype: string): ImJoyNdArray => ({
  _rtype: 'ndarray',
  _rvalue: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
  _rshape: shape,
  _rdtype: dtype,
});
const values = (p: { data: ArrayLike<number> }): number[] => Array.from(p.data);
const err = (name: string, pattern: RegExp) => (e: Error) => e.name === name && pattern.test(e.message);
/** BT.601 luminance, rounded for integer output (independent of io/luminance.ts). */
const luma = (r: number, g: number, b: number, round = true): number => (round ? Math.round(0.299 * r + 0.587 * g + 0.114 * b) : 0.299 * r + 0.587 * g + 0.114 * b);

describe('decodeNdArray: dtypes', () => {
  it('keeps uint8, uint16 and float32 as 8-, 16- and 32-bit planes with the same values', () => {
    for (const [Ctor, dtype, bits] of [[Uint8Array, 'uint8', 8], [Uint16Array, 'uint16', 16], [Float32Array, 'float32', 32]] as const) {
      const px = new Ctor(6).map((_: number, i: number) => (bits === 32 ? i / 8 : i * 40));
      const s = decodeNdArray(nd(px, [2, 3], dtype));
      assert.deepEqual([s.width, s.height, s.bitDepth, s.slices.length], [3, 2, bits, 1], dtype);
      assert.ok(s.slices[0]!.data instanceof Ctor, dtype);
      assert.deepEqual(values(s.slices[0]!), Array.from(px), dtype);
      assert.deepEqual(s.warnings, [], dtype);
    }
  });

  it('converts int8, int16, int32, uint32 (with a warning) and float64 (without) to 32-bit float, value for value', () => {
    for (const [Ctor, dtype, warns] of [[Int8Array, 'int8', true], [Int16Array, 'int16', true], [Int32Array, 'int32', true], [Uint32Array, 'uint32', true], [Float64Array, 'float64', false]] as const) {
      const px = Ctor.from([0, 1, 100, 7]);
      const s = decodeNdArray(nd(px, [2, 2], dtype), 'x');
      assert.equal(s.bitDepth, 32, dtype);
      assert.ok(s.slices[0]!.data instanceof Float32Array, dtype);
      assert.deepEqual(values(s.slices[0]!), [0, 1, 100, 7], dtype);
      assert.equal(s.warnings.some((w) => /measured as 32-bit float/.test(w)), warns, `${dtype}: ${s.warnings}`);
    }
  });

  it('refuses an unknown dtype, listing the known ones', () => {
    assert.throws(() => decodeNdArray(nd(new Uint8Array(8), [2, 4], 'complex64')), err('ImageFormatError', /"complex64".*uint8, uint16.*float64/));
    assert.throws(() => decodeNdArray({ ...nd(new Uint8Array(4), [2, 2], 'uint8'), _rdtype: 'constructor' }), err('ImageFormatError', /"constructor"/));
  });
});

describe('decodeNdArray: layouts', () => {
  it('[z, h, w] and [z, h, w, 1] are stacks, planes in order', () => {
    const px = Uint16Array.from({ length: 3 * 2 * 5 }, (_, i) => i);
    for (const shape of [[3, 2, 5], [3, 2, 5, 1]]) {
      const s = decodeNdArray(nd(px, shape, 'uint16'));
      assert.deepEqual([s.slices.length, s.width, s.height], [3, 5, 2], String(shape));
      assert.deepEqual(values(s.slices[2]!), Array.from(px.slice(20)), String(shape));
    }
  });

  it('[h, w, 3] and [h, w, 4] are colour, measured as luminance with a warning', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const s = decodeNdArray(nd(rgb, [2, 2, 3], 'uint8'), 'c.png');
    assert.deepEqual(values(s.slices[0]!), [luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255), luma(10, 20, 30)]);
    assert.match(s.warnings[0]!, /^c\.png: colour image measured as its luminance/);
    const f = decodeNdArray(nd(Float32Array.from([0.5, 0.25, 1, 0]), [1, 1, 4], 'float32'));
    assert.ok(Math.abs(f.slices[0]!.data[0]! - luma(0.5, 0.25, 1, false)) < 1e-6);
  });

  it('every channel order gives the same luminance for the same colours', () => {
    const pixels = [[200, 100, 50], [0, 255, 3], [17, 0, 240]];
    const expected = pixels.map(([r, g, b]) => luma(r!, g!, b!));
    for (const order of CHANNEL_ORDERS) {
      const samples = pixels.flatMap(([r, g, b]) => [...order].map((c) => ({ r: r!, g: g!, b: b!, a: 255 })[c as 'r' | 'g' | 'b' | 'a']));
      const s = decodeNdArray(nd(Uint8Array.from(samples), [1, 3, order.length], 'uint8'), 'x', { channelOrder: order });
      assert.deepEqual(values(s.slices[0]!), expected, order);
    }
  });

  it('a channel order that does not fit the channel count, or is unknown, is an OptionsError', () => {
    const rgba = nd(new Uint8Array(8), [1, 2, 4], 'uint8');
    assert.throws(() => decodeNdArray(rgba, 'x', { channelOrder: 'rgb' }), err('OptionsError', /"rgb" names 3 channels, the image has 4/));
    assert.throws(() => decodeNdArray(rgba, 'x', { channelOrder: 'grba' as ChannelOrder }), err('OptionsError', /channel order must be one of/));
  });

  it("with ImageJ's dimensions: [h, w, z] is a stack de-interleaved per pixel, [h, w, 3] of one slice is colour", () => {
    const px = Uint8Array.from([1, 10, 2, 20, 3, 30, 4, 40]); // 2×2 pixels, 2 slices interleaved
    const stack = decodeNdArray(nd(px, [2, 2, 2], 'uint8'), 'x', { dims: [2, 2, 1, 2, 1] });
    assert.deepEqual(stack.slices.map(values), [[1, 2, 3, 4], [10, 20, 30, 40]]);
    const three = decodeNdArray(nd(Uint8Array.from({ length: 12 }, (_, i) => i), [2, 2, 3], 'uint8'), 'x', { dims: [2, 2, 1, 3, 1] });
    assert.equal(three.slices.length, 3, 'a 3-slice stack is not colour');
    const rgb = decodeNdArray(nd(Uint8Array.from([255, 0, 0, 0, 255, 0]), [1, 2, 3], 'uint8'), 'x', { dims: [2, 1, 1, 1, 1] });
    assert.deepEqual(values(rgb.slices[0]!), [76, 150]);
  });

  it("an ImageJ hyperstack's planes come with its channels × z × frames (ImageJ's order: channel fastest)", () => {
    const px = Uint8Array.from({ length: 4 * 12 }, (_, i) => i % 12); // 2×2 pixels, 12 planes interleaved: value = plane
    const stack = decodeNdArray(nd(px, [2, 2, 12], 'uint8'), 'x', { dims: [2, 2, 2, 3, 2] });
    assert.deepEqual(stack.dimensions, { channels: 2, slices: 3, frames: 2, order: 'CZT' });
    assert.deepEqual(stack.slices.map((p) => p.data[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.equal(decodeNdArray(nd(px.subarray(0, 8), [2, 2, 2], 'uint8'), 'x', { dims: [2, 2, 1, 2, 1] }).dimensions?.slices, 2);
  });

  it('a multichannel ImageJ image (channels > 1) is measured on channel 1, with a warning, never as colour', () => {
    const px = Uint16Array.from([1, 100, 2, 200, 3, 300, 4, 400]);
    const s = decodeNdArray(nd(px, [1, 2, 2, 2], 'uint16'), 'x', { dims: [2, 2, 2, 1, 1] });
    assert.deepEqual(values(s.slices[0]!), [1, 2, 3, 4]);
    assert.match(s.warnings[0]!, /2 channels; channel 1 measured/);
  });

  it('reads a typed-array _rvalue at an unaligned byte offset', () => {
    const backing = new Uint8Array(1 + 8);
    new DataView(backing.buffer).setUint16(1, 513, true);
    new DataView(backing.buffer).setUint16(7, 65535, true);
    const s = decodeNdArray({ _rtype: 'ndarray', _rvalue: backing.subarray(1), _rshape: [2, 2], _rdtype: 'uint16' });
    assert.deepEqual(values(s.slices[0]!), [513, 0, 0, 65535]);
  });

  it('refuses shapes that are not images or do not match the data, saying so', () => {
    assert.throws(() => decodeNdArray(nd(new Uint8Array(5), [2, 2], 'uint8')), err('ImageFormatError', /shape \[2, 2\] does not match its data: it needs 4 uint8 values \(4 bytes\), the buffer holds 5 bytes/));
    assert.throws(() => decodeNdArray(nd(new Uint8Array(16), [2, 2, 2, 2, 1], 'uint8')), err('ImageFormatError', /shape \[2, 2, 2, 2, 1\] is not an image/));
    assert.throws(() => decodeNdArray(nd(new Uint8Array(4), [2, 0, 2], 'uint8')), err('ImageFormatError', /positive integers/));
    assert.throws(() => decodeNdArray(nd(new Uint8Array(8), [2, 2, 2], 'uint8')), err('ImageFormatError', /2 samples per pixel are not supported/));
  });
});

describe('toImageStack: raw pixels and what the caller says about them', () => {
  const gray8 = (n: number, v = 7) => new Uint8Array(n).fill(v);

  it('takes the bit depth from the array type, or from the caller when the values fit it', () => {
    assert.equal(toImageStack({ data: gray8(4), width: 2, height: 2 }).bitDepth, 8);
    assert.equal(toImageStack({ data: new Uint16Array(4).fill(4095), width: 2, height: 2, bitDepth: 16 }).bitDepth, 16);
    assert.equal(toImageStack({ data: new Float32Array(4).fill(200), width: 2, height: 2, bitDepth: 8 }).bitDepth, 8);
  });

  it('refuses a bit depth that is not 8, 16 or 32, or that the values exceed, with an OptionsError naming the file', () => {
    for (const bitDepth of [7, 'abc', 12, null]) {
      assert.throws(() => toImageStack({ data: gray8(4), width: 2, height: 2, bitDepth: bitDepth as 8 }, 'a.raw'), (e: Error & { file?: string }) => e.name === 'OptionsError' && /bitDepth must be 8, 16 or 32/.test(e.message) && e.file === 'a.raw', String(bitDepth));
    }
    const data = new Uint16Array(4).fill(100);
    data[2] = 4000;
    assert.throws(() => toImageStack({ data, width: 2, height: 2, bitDepth: 8 }), err('OptionsError', /bitDepth 8 allows integers 0–255, but pixel 2 is 4000/));
    assert.throws(() => toImageStack({ data: Float32Array.from([0, 0.5, 1, 2]), width: 2, height: 2, bitDepth: 16 }), err('OptionsError', /pixel 1 is 0\.5/));
  });

  it('refuses missing pixels and bad sizes with an OptionsError, a wrong pixel count with an ImageFormatError', () => {
    assert.throws(() => toImageStack({ data: null, width: 2, height: 2 } as never), err('OptionsError', /"data" must be a typed array.*got null/));
    assert.throws(() => toImageStack({ data: [1, 2, 3, 4], width: 2, height: 2 } as never), err('OptionsError', /"data" must be a typed array.*Array/));
    assert.throws(() => toImageStack({ data: gray8(4), width: 2.5, height: 2 }), err('OptionsError', /width and height must be positive integers/));
    assert.throws(() => toImageStack(null as never), err('OptionsError', /not an image/));
    assert.throws(() => toImageStack({ data: new Uint16Array(10), width: 4, height: 4 }), err('ImageFormatError', /holds 10 values/));
  });

  it('reads 3 or 4 samples per pixel as colour in the given channel order', () => {
    const bgr = Uint8Array.from([0, 0, 255, 255, 0, 0]);
    const s = toImageStack({ data: bgr, width: 2, height: 1 }, 'x', { channelOrder: 'bgr' });
    assert.deepEqual(values(s.slices[0]!), [luma(255, 0, 0), luma(0, 0, 255)]);
    assert.match(s.warnings[0]!, /colour image measured as its luminance/);
  });
});
