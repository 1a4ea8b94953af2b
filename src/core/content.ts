/**
 * Whether a plane has anything to judge. A constant image (an empty well, a shutter that did not open, a saturated
 * frame) still gets a level from the model — some level of an unfocused-looking flat field — but that number says
 * nothing about focus, so the verdict must be 'uncertain' and the result must say why (core/verdict.ts).
 *
 * Rule: the plane is without content when at most 0.01 % of its pixels differ from its median by more than 2 grey
 * levels of its bit depth (2/65535 of full scale for float images). The 2 levels absorb quantisation and a camera's
 * offset jitter on a flat frame; the 0.01 % absorbs a few hot pixels. A single cell (hundreds of pixels) is content,
 * however sparse the field, and so is the shot and read noise of a real camera frame.
 */
import type { GrayImage } from './types.js';

/** Grey levels (of the bit depth) a pixel may differ from the median and still count as flat. */
export const FLAT_TOLERANCE_LEVELS = 2;
/** Fraction of pixels that may stand out of a flat field (hot pixels) while the plane still counts as without content. */
export const MAX_OUTLIER_FRACTION = 1e-4;

/** Median of the plane: exact from a histogram for 8/16-bit, from a sample of ≤ 2^16 values for float. */
function medianOf(image: GrayImage): number {
  const { data } = image;
  if (image.bitDepth !== 32 && !(data instanceof Float32Array)) {
    const counts = new Uint32Array(image.bitDepth === 8 ? 256 : 65536);
    for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
    let seen = 0;
    for (let v = 0; v < counts.length; v++) {
      seen += counts[v]!;
      if (2 * seen >= data.length) return v;
    }
  }
  // Pseudo-random positions (a fixed LCG, Numerical Recipes' constants), not a stride: a stride can alias with a
  // periodic pattern (a fixed-pattern noise, a test image) and sample one phase of it only.
  const n = Math.min(65536, data.length);
  const sample = new Float64Array(n);
  let x = 12345;
  for (let k = 0; k < n; k++) {
    x = (Math.imul(1664525, x) + 1013904223) >>> 0;
    sample[k] = data[n === data.length ? k : x % data.length]!;
  }
  sample.sort();
  return sample[Math.floor((sample.length - 1) / 2)]!;
}

/**
 * True when the plane has content to judge (see the module comment). `scale` is the plane's full scale
 * (core/scaling.ts `fullScale`: 255, 65535, or 1 for float images in [0, 1]); one grey level is scale/255 for 8-bit
 * and scale/65535 otherwise.
 */
export function hasContent(image: GrayImage, scale: number): boolean {
  const { data } = image;
  if (data.length === 0) return false;
  const median = medianOf(image);
  // Half a level more than the tolerance: the same test for integers (differences are whole levels), and room for
  // float32 rounding of float images holding whole levels as fractions (502/65535 − 500/65535 is not exactly 2/65535).
  const tolerance = (FLAT_TOLERANCE_LEVELS + 0.5) * (image.bitDepth === 8 ? scale / 255 : scale / 65535);
  const allowed = Math.floor(MAX_OUTLIER_FRACTION * data.length);
  let outliers = 0;
  for (let i = 0; i < data.length; i++) {
    if (Math.abs(data[i]! - median) > tolerance && ++outliers > allowed) return true;
  }
  return false;
}
