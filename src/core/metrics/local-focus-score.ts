/**
 * LocalFocusScore: spread of tile-wise normalised variances. ≥ 0; higher = more contrast between sharp and flat tiles.
 */
import { OptionsError } from '../errors.js';
import { checkMetricImage, type MetricImage } from './metric-image.js';
import { medianInPlace, variance } from './stats.js';

export interface LocalFocusScoreOptions {
  /** Tile side in pixels; default 20, CellProfiler's default spatial scale for blur measurements. */
  readonly tileSize?: number;
}

export const DEFAULT_TILE_SIZE = 20;

/**
 * Local focus score, the spread of tile-wise normalised variances: ≥ 0, higher = sharper.
 * As CellProfiler's MeasureImageQuality `LocalFocusScore`.
 *
 * Formula: the image is cut into m × n tiles, m = ⌈H/s⌉, n = ⌈W/s⌉ (pixel row y goes to tile row
 * ⌊y·m/H⌋, so tiles cover the image with near-equal sizes); for each tile t with mean μ_t ≠ 0,
 * v_t = Σ_t (I − μ_t)² / (N_t · μ_t); L = var(v) / median(v), population variance.
 *
 * Parameters
 * - image: grayscale plane, raw sample values (counts); any size ≥ 1×1.
 * - options.tileSize: tile side s in pixels (positive integer, default 20).
 *
 * Returns
 * - L in intensity units (counts). 0 when no tile has a non-zero mean or the median is not positive
 *   (constant and all-zero images), as CellProfiler reports; also 0 for a single tile.
 *
 * Notes
 * - CellProfiler's help text calls it a mean of tile variances; its code (reproduced here) divides their
 *   variance by their median. Scales linearly with gain, like FocusScore; depends on the tile size, so
 *   compare values computed with the same `tileSize` only.
 * - Needs noise in the background to mean anything: the median is set by the (many) background tiles, so on
 *   noise-free synthetic blur it *rises* with defocus as smoothing empties those tiles. On real or
 *   noise-added images it falls with defocus like the other metrics.
 *
 * Reference
 * - Bray M-A, Fraser AN, Hasaka TP, Carpenter AE (2012) Workflow and metrics for image quality control in
 *   large-scale high-content screens. J Biomol Screen 17(2):266–274. doi:10.1177/1087057111420292
 *
 * Example
 * ```ts
 * localFocusScore({ data: pixels, width: 696, height: 520 }, { tileSize: 20 });
 * ```
 */
export function localFocusScore(image: MetricImage, options: LocalFocusScoreOptions = {}): number {
  const s = options.tileSize ?? DEFAULT_TILE_SIZE;
  if (!Number.isInteger(s) || s < 1) throw new OptionsError(`local_focus_score: tileSize must be a positive integer, got ${s}`);
  checkMetricImage(image, 'local_focus_score');
  const { data, width: w, height: h } = image;
  const m = Math.ceil(h / s);
  const n = Math.ceil(w / s);
  const tileOfRow = new Int32Array(h);
  const tileOfCol = new Int32Array(w);
  for (let y = 0; y < h; y++) tileOfRow[y] = Math.floor((y * m) / h);
  for (let x = 0; x < w; x++) tileOfCol[x] = Math.floor((x * n) / w);

  const sums = new Float64Array(m * n);
  const counts = new Float64Array(m * n);
  for (let y = 0; y < h; y++) {
    const base = tileOfRow[y]! * n;
    for (let x = 0; x < w; x++) {
      const t = base + tileOfCol[x]!;
      sums[t] += data[y * w + x]!;
      counts[t]++;
    }
  }
  const means = new Float64Array(m * n);
  for (let t = 0; t < m * n; t++) means[t] = sums[t]! / counts[t]!;
  const squares = new Float64Array(m * n);
  for (let y = 0; y < h; y++) {
    const base = tileOfRow[y]! * n;
    for (let x = 0; x < w; x++) {
      const t = base + tileOfCol[x]!;
      const d = data[y * w + x]! - means[t]!;
      squares[t] += d * d;
    }
  }
  const normVar: number[] = [];
  for (let t = 0; t < m * n; t++) {
    if (means[t] === 0) continue;
    const v = squares[t]! / (counts[t]! * means[t]!);
    if (Number.isFinite(v)) normVar.push(v);
  }
  if (normVar.length === 0) return 0;
  const med = medianInPlace(Float64Array.from(normVar));
  return Number.isFinite(med) && med > 0 ? variance(normVar) / med : 0;
}
