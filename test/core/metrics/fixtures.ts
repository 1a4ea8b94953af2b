/** Test fixtures for the metric tests: real images from test/fixtures/images and a small separable Gaussian blur. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromArrayBuffer } from 'geotiff';
import type { MetricImage } from '../../../src/core/metrics/index.js';

/** Repository root, found from this compiled file (build/test/core/metrics/) so tests run from any cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const DATA_DIR = `${REPO_ROOT}test/fixtures/images`;

export interface LoadedImage extends MetricImage {
  readonly data: Uint16Array;
}

/** Decodes the first page of a 16-bit grayscale TIFF with geotiff (independent of src/io, which another part owns). */
export async function loadTiff16(path: string): Promise<LoadedImage> {
  const bytes = readFileSync(path);
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const image = await tiff.getImage();
  const rasters = await image.readRasters();
  const band = rasters[0];
  if (!(band instanceof Uint16Array)) throw new Error(`${path}: expected 16-bit samples`);
  return { data: band, width: image.getWidth(), height: image.getHeight() };
}

/** Gaussian blur with sigma in pixels, kernel ±ceil(4σ), borders mirrored; σ = 0 returns a float copy. */
export function gaussianBlur(image: MetricImage, sigma: number): MetricImage {
  const { width: w, height: h } = image;
  const src = Float64Array.from(image.data);
  if (sigma === 0) return { data: src, width: w, height: h };
  const r = Math.ceil(4 * sigma);
  const k = new Float64Array(2 * r + 1);
  let total = 0;
  for (let i = -r; i <= r; i++) total += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= total;
  const mirror = (i: number, n: number): number => {
    while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
    return i;
  };
  const tmp = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * src[y * w + mirror(x + i, w)]!;
      tmp[y * w + x] = s;
    }
  }
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r]! * tmp[mirror(y + i, h) * w + x]!;
      out[y * w + x] = s;
    }
  }
  return { data: out, width: w, height: h };
}

/** Deterministic pseudo-random numbers so failures reproduce: the evaluation protocol's seeded generator. */
import { seededRandom } from '../../../eval/protocol.js';
export { seededRandom };

/**
 * Poisson (shot) noise with the pixel value as the expected photon count, as the paper's synthetic defocus adds
 * after blurring. Knuth's method below λ = 30, a normal approximation above (its error is far below the noise).
 */
export function addPoissonNoise(image: MetricImage, seed: number): MetricImage {
  const rnd = seededRandom(seed);
  const out = new Float64Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    const lambda = Math.max(0, image.data[i]!);
    let v: number;
    if (lambda > 30) {
      const u1 = rnd() || Number.MIN_VALUE;
      v = Math.round(lambda + Math.sqrt(lambda) * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd()));
    } else {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = rnd();
      while (p > limit) {
        k++;
        p *= rnd();
      }
      v = k;
    }
    out[i] = Math.max(0, v);
  }
  return { data: out, width: image.width, height: image.height };
}
