import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from 'fast-png';
import { levelColor } from '../../src/core/colormap.js';
import type { GrayImage } from '../../src/core/types.js';
import { displayRange, renderOverlayPng } from '../../src/io/overlay.js';
import { RESULT } from './csv.test.js';

const image: GrayImage = { width: 168, height: 84, bitDepth: 16, data: Uint16Array.from({ length: 168 * 84 }, (_, i) => (i % 168) * 100) };

describe('renderOverlayPng', () => {
  const png = decode(renderOverlayPng(image, RESULT, { borderWidth: 2 }));
  const px = (x: number, y: number): number[] => Array.from(png.data.subarray(3 * (y * png.width + x), 3 * (y * png.width + x) + 3));

  it('is an 8-bit RGB PNG of the image width, taller by the legend strip', () => {
    assert.equal(png.width, 168);
    assert.ok(png.height > 84 && png.height <= 84 + 40);
    assert.equal(png.channels, 3);
    assert.equal(png.depth, 8);
  });

  it('draws each patch border in its level colour with brightness = certainty', () => {
    const c0 = levelColor(1, 0.75, 3);
    const c1 = levelColor(2, 0.125, 3);
    assert.deepEqual(px(0, 0), [c0.r, c0.g, c0.b]);
    assert.deepEqual(px(40, 1), [c0.r, c0.g, c0.b]);
    assert.deepEqual(px(167, 83), [c1.r, c1.g, c1.b]);
  });

  it('shows the image inside the borders as contrast-stretched gray', () => {
    const [r, g, b] = px(40, 40);
    assert.ok(r === g && g === b);
    assert.ok(px(10, 40)[0]! < px(70, 40)[0]!, 'brighter pixels stay brighter');
  });

  it('has a legend with every level colour at full certainty', () => {
    for (let k = 0; k < 3; k++) {
      const c = levelColor(k, 1, 3);
      const x = Math.floor(((k + 0.15) * 168) / 3);
      assert.deepEqual(px(x, 85), [c.r, c.g, c.b], `level ${k}`);
    }
  });
});

describe('displayRange', () => {
  it('ignores a single hot pixel when stretching', () => {
    const data = new Uint16Array(10000).fill(100);
    for (let i = 0; i < 5000; i++) data[i] = 200;
    data[0] = 65535;
    assert.deepEqual(displayRange({ width: 100, height: 100, bitDepth: 16, data }), [100, 200]);
  });
});
