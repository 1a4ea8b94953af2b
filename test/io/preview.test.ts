import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GrayImage } from '../../src/core/types.js';
import { renderPreview } from '../../src/io/preview.js';

describe('renderPreview', () => {
  const ramp = (w: number, h: number): GrayImage => ({ data: Uint16Array.from({ length: w * h }, (_, i) => 1000 + (i % w) * 10), width: w, height: h, bitDepth: 16 });

  it('keeps a small plane at its size: gray, opaque, stretched from the darkest to the brightest column', () => {
    const p = renderPreview(ramp(5, 2), 10);
    assert.deepEqual([p.width, p.height], [5, 2]);
    assert.deepEqual([...p.data.subarray(0, 8)], [0, 0, 0, 255, 64, 64, 64, 255]);
    assert.deepEqual([...p.data.subarray(16, 20)], [255, 255, 255, 255]);
  });

  it('shrinks the longer side to maxSide, keeping the aspect ratio', () => {
    const p = renderPreview(ramp(1000, 500), 100);
    assert.deepEqual([p.width, p.height], [100, 50]);
    assert.equal(p.data.length, 100 * 50 * 4);
    assert.throws(() => renderPreview(ramp(5, 5), 0), RangeError);
  });
});
