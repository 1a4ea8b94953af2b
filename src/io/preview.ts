/**
 * A small picture of a plane for a page to draw: shrunk by area averaging (core/resample.ts) so its longer side is at
 * most `maxSide`, contrast-stretched like the overlays (io/overlay.ts `displayRange`: 0.1st–99.9th percentile → 0–255),
 * gray and opaque, as RGBA bytes ready for `new ImageData(data, width, height)`. The worker renders it so that even
 * an 8000×8000 plane costs the page only a `putImageData` of the small result.
 */
import { resamplePlane } from '../core/resample.js';
import type { GrayImage } from '../core/types.js';
import { displayRange } from './overlay.js';

export interface Preview {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  readonly data: Uint8ClampedArray;
}

export function renderPreview(plane: GrayImage, maxSide: number): Preview {
  if (!Number.isInteger(maxSide) || maxSide < 1) throw new RangeError(`maxSide must be a positive integer, got ${maxSide}`);
  const k = Math.min(1, maxSide / Math.max(plane.width, plane.height));
  const small = k < 1 ? resamplePlane(plane, Math.max(1, Math.round(plane.width * k)), Math.max(1, Math.round(plane.height * k))) : plane;
  const [lo, hi] = displayRange(plane);
  const gain = 255 / (hi - lo);
  const { data, width, height } = small;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = data[i]!;
    const g = Number.isFinite(v) ? (v - lo) * gain : 0;
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = g;
    out[4 * i + 3] = 255;
  }
  return { width, height, data: out };
}
