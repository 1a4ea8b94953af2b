import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractPatches, fullScale } from '../../src/core/scaling.js';
import type { GrayImage } from '../../src/core/types.js';

const image = (data: Uint8Array | Uint16Array | Float32Array, width: number, height: number, bitDepth: 8 | 16 | 32): GrayImage => ({ data, width, height, bitDepth });

describe('fullScale', () => {
  it('is 255 for 8-bit and 65535 for 16-bit images', () => {
    assert.equal(fullScale(image(new Uint8Array(4), 2, 2, 8)), 255);
    assert.equal(fullScale(image(new Uint16Array(4), 2, 2, 16)), 65535);
  });

  it('takes float images within [0, 1] as normalised (1) and others as 16-bit counts (65535)', () => {
    assert.equal(fullScale(image(Float32Array.from([0, 0.5, 1, 0.25]), 2, 2, 32)), 1);
    assert.equal(fullScale(image(Float32Array.from([0, 0.5, 1.5, 0.25]), 2, 2, 32)), 65535);
    assert.equal(fullScale(image(Float32Array.from([-0.1, 0.5, 0.5, 0.25]), 2, 2, 32)), 65535);
  });

  it('rejects NaN and infinite pixels with an ImageContentError giving their count', () => {
    const data = Float32Array.from([0, NaN, Infinity, -Infinity, 0.5, 0.5]);
    assert.throws(() => fullScale(image(data, 3, 2, 32)), (e: Error) => e.name === 'ImageContentError' && /^3 of 6 pixels/.test(e.message));
  });
});

describe('extractPatches', () => {
  const w = 5;
  const h = 4;
  const data = Uint16Array.from({ length: w * h }, (_, i) => i * 1000);
  const img = image(data, w, h, 16);

  it('copies each patch row by row, divided by the full scale, in [n, P, P] order', () => {
    const out = extractPatches(img, [{ x: 1, y: 1, w: 2, h: 2 }, { x: 3, y: 2, w: 2, h: 2 }], 2);
    const expected = [6, 7, 11, 12, 13, 14, 18, 19].map((i) => Math.fround((i * 1000) / 65535));
    assert.deepEqual(Array.from(out), expected);
  });

  it('writes into a supplied buffer and returns a view of exactly n·P·P values', () => {
    const buf = new Float32Array(100).fill(-1);
    const out = extractPatches(img, [{ x: 0, y: 0, w: 2, h: 2 }], 2, buf);
    assert.equal(out.length, 4);
    assert.equal(out.buffer, buf.buffer);
    assert.equal(buf[4], -1);
  });

  it('refuses a patch that reaches outside the image', () => {
    assert.throws(() => extractPatches(img, [{ x: 4, y: 0, w: 2, h: 2 }], 2), RangeError);
  });
});
