/**
 * The order of R, G, B and A in the 4 bytes ImageJ.JS sends per RGB pixel, found at run time instead of assumed: ImageJ.JS
 * passes the Java ARGB ints through CheerpJ's typed arrays (B, G, R, A on a little-endian browser), but that is an
 * implementation detail of the host. A macro reads a few pixels' R, G, B with `getPixel` and the answer is compared
 * with the bytes `getImage` returned for the same plane.
 */
import { ImageFormatError } from '../../core/errors.js';
import type { ImageJService } from './host.js';
import { isNdArray, type ChannelOrder } from '../../image-input.js';
import { ndarrayBytes } from './ndarray.js';
import { block, VALUES } from './macros/code.js';
import { macroValues } from './probe.js';

/** One pixel: its 4 bytes from getImage and its R, G, B from ImageJ's getPixel. */
export interface RgbSample {
  readonly bytes: readonly number[];
  readonly rgb: readonly [number, number, number];
}

// The 4-byte orders the decoder knows; ImageJ.JS's first: the choice when the samples cannot tell orders apart.
const ORDERS: readonly ChannelOrder[] = ['bgra', 'rgba', 'argb', 'abgr'];

/** The channel order every sample agrees with (ImageJ.JS's when several do); an ImageFormatError when none does. */
export function solveChannelOrder(samples: readonly RgbSample[]): ChannelOrder {
  const fits = (o: ChannelOrder): boolean => samples.every((s) => s.bytes[o.indexOf('r')] === s.rgb[0] && s.bytes[o.indexOf('g')] === s.rgb[1] && s.bytes[o.indexOf('b')] === s.rgb[2]);
  const order = ORDERS.find(fits);
  if (!order) throw new ImageFormatError('the RGB bytes ImageJ returned do not match its own pixel values; cannot tell red from blue');
  return order;
}

/**
 * `count` pixel indices that tell layouts apart best, spread over the image: the image is cut into `count` bands and
 * each band gives its pixel with the most distinct byte values (4 distinct values pin R, G and B down).
 */
export function pickSamplePixels(bytes: Uint8Array, count = 8): number[] {
  const n = bytes.length >> 2;
  const distinct = (i: number): number => new Set(bytes.subarray(4 * i, 4 * i + 4)).size;
  const band = Math.max(1, Math.ceil(n / count));
  const step = Math.max(1, Math.floor(band / 512));
  const picked: number[] = [];
  for (let start = 0; start < n; start += band) {
    let best = start;
    for (let i = start, score = -1; i < Math.min(n, start + band) && score < 4; i += step) {
      const d = distinct(i);
      if (d > score) [best, score] = [i, d];
    }
    picked.push(best);
  }
  return picked;
}

/** Finds the channel order of the current plane of the image `id` (`width` pixels wide); the image stays current. */
export async function detectChannelOrder(ij: ImageJService, id: number, width: number): Promise<ChannelOrder> {
  await ij.runMacro(`selectImage(${id});`); // the user may have clicked another image since the probe
  const value = await ij.getImage();
  if (!isNdArray(value) || value._rshape[2] !== 4) throw new ImageFormatError('ImageJ did not return the RGB pixels');
  const bytes = ndarrayBytes(value);
  const pixels = pickSamplePixels(bytes);
  const xs = pixels.map((i) => i % width);
  const ys = pixels.map((i) => Math.floor(i / width));
  const read = block(
    `selectImage(${id}); fq_x = newArray(${xs.join(', ')}); fq_y = newArray(${ys.join(', ')}); fq_v = newArray(${3 * pixels.length});
for (fq_i = 0; fq_i < ${pixels.length}; fq_i++) { fq_p = getPixel(fq_x[fq_i], fq_y[fq_i]); fq_v[3 * fq_i] = (fq_p >> 16) & 255; fq_v[3 * fq_i + 1] = (fq_p >> 8) & 255; fq_v[3 * fq_i + 2] = fq_p & 255; }`,
    { sets: [VALUES] },
  );
  const values = await macroValues(ij, read, 3 * pixels.length);
  await ij.runMacro(`selectImage(${id});`);
  return solveChannelOrder(pixels.map((p, k) => ({ bytes: [...bytes.subarray(4 * p, 4 * p + 4)], rgb: [values[3 * k]!, values[3 * k + 1]!, values[3 * k + 2]!] })));
}
