/**
 * A two-slice stack with a known focal plane per region, from a real in-focus field (BBBC006 a05, 16-bit): slice 0 is
 * sharp on the left half and blurred (Gaussian, σ = 6 px) on the right, slice 1 the other way round. An all-in-focus
 * composite must take the left from slice 0 and the right from slice 1. Used by the Node API test and, served by the
 * test server, by the browser test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GrayImage } from '../../src/core/types.js';
import { decodeImage } from '../../src/io/decode.js';
import { gaussianBlur } from '../core/metrics/fixtures.js';
import { IN_FOCUS_DIR } from '../io/fixtures.js';
import { SPLIT } from './region-agreement.js';

export { SPLIT, regionAgreement } from './region-agreement.js';

export async function twoRegionStack(): Promise<GrayImage[]> {
  const sharp = (await decodeImage(readFileSync(join(IN_FOCUS_DIR, 'BBBC006_a05_s1_w1_z10.tif')))).slices[0]!;
  const blurred = gaussianBlur(sharp, 6);
  const { width, height } = sharp;
  const slice = (sharpLeft: boolean): GrayImage => {
    const data = new Uint16Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        data[i] = (x < SPLIT) === sharpLeft ? sharp.data[i]! : Math.round(blurred.data[i]!);
      }
    }
    return { data, width, height, bitDepth: 16 };
  };
  return [slice(true), slice(false)];
}

