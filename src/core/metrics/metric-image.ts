/**
 * What every classic focus metric accepts, and the one validation they share.
 * Metrics read raw sample values (counts), so a `GrayImage` from `io/` and a bare `{data, width, height}` behave alike.
 */
import { ImageContentError } from '../errors.js';

/** A row-major grayscale plane. `GrayImage` satisfies it; so does any typed array or number[] with its size. */
export interface MetricImage {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

/** A metric: image in, one finite number out (higher = sharper for every metric here). */
export type MetricFn = (image: MetricImage) => number;

/**
 * Throws `ImageContentError` unless the image has a consistent size of at least `minWidth × minHeight`
 * and only finite samples. Integer typed arrays cannot hold NaN, so only other storage is scanned.
 */
export function checkMetricImage(image: MetricImage, metric: string, minWidth = 1, minHeight = minWidth): void {
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new ImageContentError(`${metric}: image size ${width}×${height} is not a pair of non-negative integers`);
  }
  if (data.length !== width * height) {
    throw new ImageContentError(`${metric}: image has ${data.length} samples but ${width}×${height} = ${width * height} were expected`);
  }
  if (width < minWidth || height < minHeight) {
    throw new ImageContentError(`${metric}: image is ${width}×${height} pixels, smaller than the ${minWidth}×${minHeight} this metric needs`);
  }
  if (data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Uint32Array || data instanceof Uint8ClampedArray ||
      data instanceof Int8Array || data instanceof Int16Array || data instanceof Int32Array) {
    return;
  }
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad > 0) {
    const x = first % width;
    const y = Math.floor(first / width);
    throw new ImageContentError(`${metric}: image has ${bad} NaN or infinite pixel(s), the first at x=${x}, y=${y}; focus metrics need finite values`);
  }
}
