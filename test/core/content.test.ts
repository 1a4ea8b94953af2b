import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasContent } from '../../src/core/content.js';
import { fullScale } from '../../src/core/scaling.js';
import type { GrayImage } from '../../src/core/types.js';
import { readImageFile } from '../../src/node/image-files.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR } from '../io/fixtures.js';

const W = 696;
const H = 520;
const flat16 = (v: number): GrayImage => ({ data: new Uint16Array(W * H).fill(v), width: W, height: H, bitDepth: 16 });
const judged = (img: GrayImage): boolean => hasContent(img, fullScale(img));

describe('hasContent', () => {
  it('a constant plane has none, at any bit depth and value', () => {
    assert.equal(judged(flat16(0)), false);
    assert.equal(judged(flat16(65535)), false);
    assert.equal(judged({ data: new Uint8Array(W * H).fill(128), width: W, height: H, bitDepth: 8 }), false);
    assert.equal(judged({ data: new Float32Array(W * H).fill(0.3), width: W, height: H, bitDepth: 32 }), false);
    assert.equal(judged({ data: new Float32Array(W * H).fill(1200), width: W, height: H, bitDepth: 32 }), false);
  });

  it('nor does a flat plane with ±2 grey levels of jitter and a few hot pixels', () => {
    const img = flat16(500);
    const d = img.data as Uint16Array;
    for (let i = 0; i < d.length; i++) d[i] = 500 + ((i * 7919) % 5) - 2; // 498 … 502
    for (let k = 0; k < 30; k++) d[k * 9973] = 65535; // 30 hot pixels < 0.01 % of 361,920
    assert.equal(judged(img), false);
    const f: GrayImage = { data: Float32Array.from(d, (v) => v / 65535), width: W, height: H, bitDepth: 32 };
    assert.equal(judged(f), false, 'the same as fractions of full scale');
  });

  it('one small cell (10×10 pixels, 0.03 % of the field) is content; so is jitter of 3 grey levels', () => {
    const img = flat16(500);
    const d = img.data as Uint16Array;
    for (let y = 200; y < 210; y++) for (let x = 300; x < 310; x++) d[y * W + x] = 900;
    assert.equal(judged(img), true);
    const noisy = flat16(500);
    const n = noisy.data as Uint16Array;
    for (let i = 0; i < n.length; i++) n[i] = 500 + ((i * 7919) % 7) - 3; // 497 … 503
    assert.equal(judged(noisy), true);
  });

  it('every real fixture image has content', async () => {
    for (const path of [join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'), join(DEFOCUSED_DIR, 'mcf7_b01_s2_w1.tif'), join(IN_FOCUS_DIR, 'crop_100x100.tif')]) {
      const plane = (await readImageFile(path)).slices[0]!;
      assert.equal(judged(plane), true, path);
    }
  });
});
