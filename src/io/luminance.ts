/**
 * Colour → gray for the rare RGB input. Fluorescence images are single-channel; an RGB file is usually a rendered
 * snapshot, so it is measured as its luminance (ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B, as ImageJ's
 * "weighted RGB conversion") and the decoder adds a warning saying so.
 */
import type { PixelArray } from '../core/types.js';

/**
 * Luminance of interleaved samples (`channels` per pixel, RGB first; a 4th alpha sample is ignored).
 * Integer inputs give rounded integers of the same type; float inputs give floats.
 */
export function interleavedToLuminance<T extends PixelArray>(samples: ArrayLike<number>, channels: number, make: (n: number) => T): T {
  const n = Math.floor(samples.length / channels);
  const out = make(n);
  const round = !(out instanceof Float32Array);
  for (let i = 0, s = 0; i < n; i++, s += channels) {
    const y = 0.299 * samples[s]! + 0.587 * samples[s + 1]! + 0.114 * samples[s + 2]!;
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
