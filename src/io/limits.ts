/**
 * Size limits checked from file headers before any pixel buffer is allocated, so a crafted or corrupt header
 * (e.g. "100000×100000") fails fast with a clear message instead of exhausting memory.
 */
import { ImageFormatError } from '../core/errors.js';

/** Largest side accepted (TIFF/PNG allow more, but no microscope camera writes it and it guards against junk headers). */
export const MAX_SIDE = 65535;
/** Largest plane: 2^28 pixels (a 16384×16384 plane; 1 GiB as float32). */
export const MAX_PLANE_PIXELS = 2 ** 28;
/** Largest whole file (all slices together): 2^29 pixels. */
export const MAX_TOTAL_PIXELS = 2 ** 29;

export function checkPlaneSize(width: number, height: number, file: string | undefined): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageFormatError(`header gives an invalid size ${width}×${height}`, { file });
  }
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PLANE_PIXELS) {
    throw new ImageFormatError(`header claims ${width}×${height} pixels, more than this tool accepts (side ≤ ${MAX_SIDE}, ≤ ${MAX_PLANE_PIXELS} pixels per plane); refusing to allocate`, { file });
  }
}
