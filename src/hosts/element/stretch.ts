/**
 * Display of a grayscale plane: contrast-stretched between low and high percentiles (like ImageJ's "Auto" with 0.35%
 * saturation), because a 16-bit fluorescence image drawn at full scale is nearly black. Display only: the model always
 * sees the raw values.
 */
import type { GrayImage } from '../../core/types.js';
import { displayRange } from '../../io/overlay.js';

/** ImageJ's "Auto" saturates 0.35 % of the pixels at each end. */
const AUTO_SATURATION = 0.0035;

/** RGBA pixels (gray, opaque) of the stretched image, ready for `new ImageData(pixels, width, height)`. */
export function stretchToRgba(image: GrayImage, [min, max] = displayRange(image, AUTO_SATURATION, 1 - AUTO_SATURATION)): Uint8ClampedArray<ArrayBuffer> {
  const { data } = image;
  const out = new Uint8ClampedArray(new ArrayBuffer(data.length * 4));
  const k = 255 / (max - min);
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    const g = (data[i]! - min) * k; // Uint8ClampedArray clamps and rounds; NaN becomes 0
    out[j] = g;
    out[j + 1] = g;
    out[j + 2] = g;
    out[j + 3] = 255;
  }
  return out;
}
