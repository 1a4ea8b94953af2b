/**
 * Colour → gray for the rare RGB input. Fluorescence images are single-channel; an RGB file is usually a rendered
 * snapshot, so it is measured as its luminance (ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B, as ImageJ's
 * "weighted RGB conversion") and the decoder adds a warning saying so.
 */
import type { PixelArray } from '../core/types.js';

/**
 * Luminance of interleaved samples (`channels` per pixel; by default RGB first and a 4th alpha sample ignored, or
 * R, G and B at the pixel offsets `rgb` for other channel orders such as BGRA).
 * Integer inputs give rounded integers of the same type; float inputs give floats.
 */
export function interleavedToLuminance<T extends PixelArray>(samples: ArrayLike<number>, channels: number, make: (n: number) => T, rgb: readonly [number, number, number] = [0, 1, 2]): T {
  const n = Math.floor(samples.length / channels);
  const out = make(n);
  const round = !(out instanceof Float32Array);
  const [r, g, b] = rgb;
  for (let i = 0, s = 0; i < n; i++, s += channels) {
    const y = 0.299 * samples[s + r]! + 0.587 * samples[s + g]! + 0.114 * samples[s + b]!;
    out[i] = round ? Math.round(y) : y;
  }
  return out;
}

/** First sample of every pixel (e.g. gray+alpha → gray). */
export function firstChannel<T extends PixelArray>(samples: ArrayLike<number>, channels: number, make: (n: number) => T): T {
  const n = Math.floor(samples.length / channels);
  const out = make(n);
  for (let i = 0, s = 0; i < n; i++, s += channels) out[i] = samples[s]!;
  return out;
}
