/**
 * Resampling a plane to another pixel grid over the same field of view, one axis after the other:
 * - shrinking an axis (fewer output pixels): area averaging — each output pixel is the mean of the input pixels it
 *   covers, fractional pixels counted by their covered fraction (what a camera with larger pixels, or 2×2 binning,
 *   records; no aliasing of fine structure);
 * - enlarging an axis: linear interpolation between input pixel centres (output centre j sits at input position
 *   (j + ½)·n/m − ½, clamped to the first and last centre at the edges).
 * The output holds float32 values in the input's units; the caller keeps the input's intensity scale.
 */
import type { GrayImage, PatchRect } from './types.js';

/** For each output index: the input indices it reads and their weights (summing to 1). */
export interface AxisWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float64Array;
  /** Offset of output j's first weight in `weights`. */
  readonly offset: Int32Array;
}

/** The weights that take `n` input samples to `m` output samples along one axis (see the module comment). */
export function axisWeights(n: number, m: number): AxisWeights {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1) throw new RangeError(`axis sizes must be positive integers, got ${n} → ${m}`);
  const start = new Int32Array(m);
  const count = new Int32Array(m);
  const offset = new Int32Array(m);
  const w: number[] = [];
  const step = n / m;
  for (let j = 0; j < m; j++) {
    offset[j] = w.length;
    if (m <= n) {
      const a = j * step;
      const b = (j + 1) * step;
      const i0 = Math.floor(a);
      const i1 = Math.min(n, Math.ceil(b));
      start[j] = i0;
      count[j] = i1 - i0;
      for (let i = i0; i < i1; i++) w.push((Math.min(b, i + 1) - Math.max(a, i)) / step);
    } else {
      const u = Math.min(n - 1, Math.max(0, (j + 0.5) * step - 0.5));
      const i0 = Math.min(n - 2, Math.floor(u));
      if (n === 1) {
        start[j] = 0;
        count[j] = 1;
        w.push(1);
        continue;
      }
      const t = u - i0;
      start[j] = i0;
      count[j] = 2;
      w.push(1 - t, t);
    }
  }
  return { start, count, offset, weights: Float64Array.from(w) };
}

/** `image` resampled to width × height (float32 values; bitDepth kept, so the intensity scaling stays the same). */
export function resamplePlane(image: GrayImage, width: number, height: number): GrayImage {
  const { data, width: W, height: H } = image;
  const wx = axisWeights(W, width);
  const wy = axisWeights(H, height);
  // Rows first (H × width), then columns (height × width).
  const rows = new Float32Array(H * width);
  for (let y = 0; y < H; y++) {
    const src = y * W;
    const dst = y * width;
    for (let j = 0; j < width; j++) {
      let s = 0;
      const o = wx.offset[j]!;
      const i0 = wx.start[j]!;
      for (let k = 0; k < wx.count[j]!; k++) s += wx.weights[o + k]! * data[src + i0 + k]!;
      rows[dst + j] = s;
    }
  }
  const out = new Float32Array(height * width);
  for (let j = 0; j < height; j++) {
    const o = wy.offset[j]!;
    const r0 = wy.start[j]!;
    const dst = j * width;
    for (let k = 0; k < wy.count[j]!; k++) {
      const weight = wy.weights[o + k]!;
      const src = (r0 + k) * width;
      for (let x = 0; x < width; x++) out[dst + x] += weight * rows[src + x]!;
    }
  }
  return { data: out, width, height, bitDepth: image.bitDepth, ...(image.pixelSize ? { pixelSize: image.pixelSize } : {}) };
}

/**
 * A rectangle on a width' × height' grid mapped onto the width × height grid of the same field of view, edges rounded
 * to whole pixels (neighbouring rectangles keep a shared edge; a rectangle ending at the far edge still ends there).
 */
export function mapRect(r: PatchRect, from: { width: number; height: number }, to: { width: number; height: number }): PatchRect {
  const fx = to.width / from.width;
  const fy = to.height / from.height;
  const x0 = Math.round(r.x * fx);
  const y0 = Math.round(r.y * fy);
  const x1 = Math.min(to.width, Math.round((r.x + r.w) * fx));
  const y1 = Math.min(to.height, Math.round((r.y + r.h) * fy));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
