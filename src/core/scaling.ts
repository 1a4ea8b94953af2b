/**
 * Intensity scaling into the model's input range: raw value / full scale of the bit depth, never per-image normalised
 * (the model was trained on absolute intensities with gain/offset augmentation, so brightness is information).
 *
 * - 8-bit: value / 255; 16-bit: value / 65535.
 * - 32-bit float: if every pixel lies within [0, 1] the image is taken as already normalised (ImageJ's and
 *   scikit-image's float convention) and used as is; otherwise it is taken as counts of a 16-bit camera and divided by
 *   65535. NaN or ±Infinity pixels make the image unmeasurable: ImageContentError giving their count.
 */
import { ImageContentError } from './errors.js';
import type { GrayImage, PatchRect } from './types.js';

/** The divisor that maps the image's values into the model's input range (see the module comment). */
export function fullScale(image: GrayImage): number {
  if (image.bitDepth === 8) return 255;
  if (image.bitDepth === 16) return 65535;
  const data = image.data;
  let nonFinite = 0;
  let withinUnit = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) nonFinite++;
    else if (v < 0 || v > 1) withinUnit = false;
  }
  if (nonFinite > 0) throw new ImageContentError(`${nonFinite} of ${data.length} pixels are NaN or infinite`);
  return withinUnit ? 1 : 65535;
}

/**
 * Copies the given patches, scaled to the model's input range, into one float32 buffer laid out [n, 1, P, P].
 * Pass `out` (at least n·P·P long) to reuse a buffer across batches; a view of exactly n·P·P values is returned.
 * `scale` defaults to `fullScale(image)`; pass it when extracting in batches to avoid rescanning float images.
 */
export function extractPatches(image: GrayImage, rects: readonly PatchRect[], patchSize: number, out?: Float32Array, scale = fullScale(image)): Float32Array {
  const area = patchSize * patchSize;
  const need = rects.length * area;
  if (out && out.length < need) throw new RangeError(`output buffer holds ${out.length} values, ${need} needed`);
  const dst = out ? out.subarray(0, need) : new Float32Array(need);
  const inv = 1 / scale;
  const { data, width, height } = image;
  rects.forEach((r, k) => {
    if (r.w !== patchSize || r.h !== patchSize || r.x < 0 || r.y < 0 || r.x + r.w > width || r.y + r.h > height) {
      throw new RangeError(`patch ${k} at (${r.x}, ${r.y}) size ${r.w}×${r.h} does not fit a ${width}×${height} image with ${patchSize}-pixel patches`);
    }
    let o = k * area;
    for (let row = 0; row < patchSize; row++) {
      let s = (r.y + row) * width + r.x;
      for (let col = 0; col < patchSize; col++) dst[o++] = data[s++]! * inv;
    }
  });
  return dst;
}
