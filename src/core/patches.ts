/**
 * The patch grid: which P×P squares of an image the model looks at.
 *
 * Policy for sizes that are not a multiple of P: patches are laid edge to edge from the top-left corner, and the last
 * patch of every row and column is shifted back so that it ends exactly at the image edge. It therefore overlaps its
 * neighbour by (P − size mod P) pixels; no pixel is left unmeasured and no patch reaches outside the image. (The
 * original tool dropped the remainder, and even dropped a whole last row/column when the size was an exact multiple.)
 * An image smaller than one patch in either direction cannot be measured: ImageContentError naming its size.
 */
import { ImageContentError } from './errors.js';
import type { PatchRect } from './types.js';

/** Start offsets along one axis of `length` pixels: 0, P, 2P, … and finally length − P. */
export function patchOffsets(length: number, patchSize: number): number[] {
  const count = Math.ceil(length / patchSize);
  const offsets: number[] = [];
  for (let i = 0; i < count - 1; i++) offsets.push(i * patchSize);
  offsets.push(length - patchSize);
  return offsets;
}

/** Row-major list of patches covering every pixel of a width×height image (see the module comment for the edge policy). */
export function splitIntoPatches(width: number, height: number, patchSize: number): PatchRect[] {
  if (!Number.isInteger(patchSize) || patchSize <= 0) throw new ImageContentError(`patch size must be a positive integer, got ${patchSize}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < patchSize || height < patchSize) {
    throw new ImageContentError(`image is ${width}×${height} pixels, smaller than one ${patchSize}×${patchSize} patch`);
  }
  const xs = patchOffsets(width, patchSize);
  const ys = patchOffsets(height, patchSize);
  const rects: PatchRect[] = [];
  for (const y of ys) for (const x of xs) rects.push({ x, y, w: patchSize, h: patchSize });
  return rects;
}
