/**
 * Display of a grayscale plane: contrast-stretched between low and high percentiles (like ImageJ's "Auto" with 0.35%
 * saturation), because a 16-bit fluorescence image drawn at full scale is nearly black. Display only: the model always
 * sees the raw values.
 */
import type { GrayImage } from '../../core/types.js';

/** Values at the `lowFraction` and `1 − lowFraction` quantiles, from a sample of at most ~65k pixels. */
export function displayRange(image: GrayImage, lowFraction = 0.0035): { min: number; max: number } {
  const { data } = image;
  const step = Math.max(1, Math.floor(data.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) {
    const v = data[i]!;
    if (Number.isFinite(v)) sample.push(v);
  }
  if (sample.length === 0) return { min: 0, max: 1 };
  sample.sort((a, b) => a - b);
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))]!;
  const min = at(lowFraction);
  const max = at(1 - lowFraction);
  return max > min ? { min, max } : { min: sample[0]!, max: sample[0]! === sample[sample.length - 1]! ? sample[0]! + 1 : sample[sample.length - 1]! };
}

/** RGBA pixels (gray, opaque) of the stretched image, ready for `new ImageData(pixels, width, height)`. */
export function stretchToRgba(image: GrayImage, range = displayRange(image)): Uint8ClampedArray<ArrayBuffer> {
  const { data } = image;
  const out = new Uint8ClampedArray(new ArrayBuffer(data.length * 4));
  const k = 255 / (range.max - range.min);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    const g = (data[i]! - range.min) * k; // Uint8ClampedArray clamps and rounds; NaN becomes 0
    out[j] = g;
    out[j + 1] = g;
    out[j + 2] = g;
    out[j + 3] = 255;
  }
  return out;
}
