/**
 * Where R, G and B sit in the 4 bytes ImageJ.JS sends per RGB pixel, found at run time instead of assumed: ImageJ.JS
 * passes the Java ARGB ints through CheerpJ's typed arrays (B, G, R, A on a little-endian browser), but that is an
 * implementation detail of the host. A macro reads a few pixels' R, G, B with `getPixel` and the answer is compared
 * with the bytes `getImage` returned for the same plane.
 */
import { ImageFormatError } from '../../core/errors.js';
import type { ImageJService } from './host.js';
import { ndarrayBytes, isNdArray, type RgbLayout } from './ndarray.js';
import { block, VALUES } from './macros/code.js';
import { macroValues } from './probe.js';

/** One pixel: its 4 bytes from getImage and its R, G, B from ImageJ's getPixel. */
export interface RgbSample {
  readonly bytes: readonly number[];
  readonly rgb: readonly [number, number, number];
}

// ImageJ.JS's order first, then the common alternative: the choice when the samples cannot tell layouts apart.
const PREFERRED: readonly RgbLayout[] = [
  { r: 2, g: 1, b: 0 },
  { r: 0, g: 1, b: 2 },
];

function candidates(): RgbLayout[] {
  const all: RgbLayout[] = [...PREFERRED];
  for (let r = 0; r < 4; r++) for (let g = 0; g < 4; g++) for (let b = 0; b < 4; b++) {
    if (r !== g && g !== b && r !== b && !all.some((l) => l.r === r && l.g === g && l.b === b)) all.push({ r, g, b });
  }
  return all;
}

/** The layout every sample agrees with (ImageJ.JS's when several do); an ImageFormatError when none does. */
export function solveRgbLayout(samples: readonly RgbSample[]): RgbLayout {
  const fits = (l: RgbLayout): boolean => samples.every((s) => s.bytes[l.r] === s.rgb[0] && s.bytes[l.g] === s.rgb[1] && s.bytes[l.b] === s.rgb[2]);
  const layout = candidates().find(fits);
  if (!layout) throw new ImageFormatError('the RGB bytes ImageJ returned do not match its own pixel values; cannot tell red from blue');
  return layout;
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

/** Finds the layout of the current plane of the image `id` (`width` pixels wide); the image stays current. */
export async function detectRgbLayout(ij: ImageJService, id: number, width: number): Promise<RgbLayout> {
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
  return solveRgbLayout(pixels.map((p, k) => ({ bytes: [...bytes.subarray(4 * p, 4 * p + 4)], rgb: [values[3 * k]!, values[3 * k + 1]!, values[3 * k + 2]!] })));
}
