/**
 * Per-patch form of any metric: the same function on each rectangle of the patch grid, so classic metrics
 * can be mapped and tabled next to the model's per-patch levels.
 */
import { ImageContentError } from '../errors.js';
import type { PatchRect } from '../types.js';
import { checkMetricImage, type MetricFn, type MetricImage } from './metric-image.js';

/** Copies one rectangle out of an image; throws `ImageContentError` when the rectangle leaves the image. */
export function cropImage(image: MetricImage, rect: PatchRect): MetricImage {
  const { x, y, w, h } = rect;
  if (!Number.isInteger(x) || !Number.isInteger(y) || !Number.isInteger(w) || !Number.isInteger(h) ||
      x < 0 || y < 0 || w < 1 || h < 1 || x + w > image.width || y + h > image.height) {
    throw new ImageContentError(`patch ${w}×${h} at (${x}, ${y}) does not lie inside the ${image.width}×${image.height} image`);
  }
  const out = new Float64Array(w * h);
  for (let row = 0; row < h; row++) {
    const src = (y + row) * image.width + x;
    for (let col = 0; col < w; col++) out[row * w + col] = image.data[src + col]!;
  }
  return { data: out, width: w, height: h };
}

/**
 * Applies `fn` to every rectangle and returns the values in the order of `rects`.
 *
 * ```ts
 * const values = metricPerPatch(image, grid, plls); // one slope per 84×84 patch
 * ```
 */
export function metricPerPatch(image: MetricImage, rects: readonly PatchRect[], fn: MetricFn): number[] {
  // Validate once for the whole image so a NaN is reported with image coordinates, not patch ones.
  checkMetricImage(image, 'metricPerPatch');
  return rects.map((rect) => fn(cropImage(image, rect)));
}
