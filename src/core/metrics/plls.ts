/**
 * Power log-log slope (PLLS): slope of the radially summed power spectrum on log-log axes.
 * Always ≤ 0 for natural images; higher (closer to 0) = sharper, lower = more blurred.
 */
import { ImageContentError } from '../errors.js';
import { fftPlan } from './fft.js';
import { checkMetricImage, type MetricImage } from './metric-image.js';
import { leastSquaresSlope, medianAbsDeviation } from './stats.js';

/** PLLS needs at least two usable radii (2 and 3), hence min(H, W)/8 ≥ 4. */
export const PLLS_MIN_SIDE = 32;

/**
 * Power log-log slope of the image's power spectrum: ≤ 0 in practice, higher (closer to 0) = sharper.
 * As CellProfiler's MeasureImageQuality computes `PowerLogLogSlope`.
 *
 * Formula: x = (I − mean(I)) / median(|I − mean(I)|); P(u,v) = |FFT2(x)|²; for each integer radius r in
 * 2 … ⌊min(H,W)/8⌋ − 1, S(r) = Σ P(u,v) over frequencies with ⌊√(ru² + rv²)⌋ + 1 = r, where
 * ru = min(u, H−1−u) and rv = min(v, W−1−v) (CellProfiler's folding of the frequency grid, kept as is);
 * PLLS = slope of the least-squares line through (log r, log S(r)) over radii with S(r) > 0.
 * Stopping at a radius of min(H,W)/8 keeps the fit in low frequencies, away from noise and edge effects.
 *
 * Parameters
 * - image: grayscale plane, raw sample values; at least 32×32 pixels.
 *
 * Returns
 * - the slope (dimensionless). 0 for a constant image or one with fewer than two radii of non-zero power,
 *   as CellProfiler reports.
 *
 * Notes
 * - Invariant to intensity gain and offset: the median-absolute-deviation scaling only shifts log S by a
 *   constant, so it changes the intercept, never the slope (it is kept for fidelity and skipped when the
 *   deviation is 0, where CellProfiler would divide by zero).
 * - Depends on image size and content (cell density, texture); compare values within one acquisition
 *   setting, and fit a threshold per channel (Bray et al. 2012).
 *
 * Reference
 * - Bray M-A, Fraser AN, Hasaka TP, Carpenter AE (2012) Workflow and metrics for image quality control in
 *   large-scale high-content screens. J Biomol Screen 17(2):266–274. doi:10.1177/1087057111420292
 * - Field DJ (1987) Relations between the statistics of natural images and the response properties of
 *   cortical cells. J Opt Soc Am A 4(12):2379–2394. doi:10.1364/JOSAA.4.002379
 *
 * Example
 * ```ts
 * const slope = plls({ data: pixels, width: 696, height: 520 }); // BBBC006 in focus ≈ −1.5, MCF-7 defocused ≈ −3
 * ```
 */
export function plls(image: MetricImage): number {
  checkMetricImage(image, 'plls', PLLS_MIN_SIDE);
  const { data, width: w, height: h } = image;
  const n = w * h;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) return 0;
  const mu = sum / n;
  const mad = medianAbsDeviation(data, mu);
  const scale = mad > 0 ? 1 / mad : 1;

  const maxLabel = Math.floor(Math.min(h, w) / 8) - 1; // radii 2 … maxLabel
  if (maxLabel < 3) throw new ImageContentError(`plls: image ${w}×${h} is too small for a power-spectrum slope`);
  const powerSums = radialPowerSums(data, w, h, mu, scale, maxLabel);

  const logR: number[] = [];
  const logP: number[] = [];
  for (let r = 2; r <= maxLabel; r++) {
    const p = powerSums[r]!;
    if (p > 0 && Number.isFinite(Math.log(p))) {
      logR.push(Math.log(r));
      logP.push(Math.log(p));
    }
  }
  return logR.length < 2 ? 0 : leastSquaresSlope(logR, logP);
}

/**
 * Σ|FFT2|² per radius label. Only frequencies whose folded row and column index can reach a label ≤ maxLabel
 * are transformed along the second axis, which skips most of the column transforms on large images.
 */
function radialPowerSums(data: ArrayLike<number>, w: number, h: number, mu: number, scale: number, maxLabel: number): Float64Array {
  // A label ≤ maxLabel needs ⌊√(ru²+rv²)⌋ ≤ maxLabel − 1, so each folded index is ≤ maxLabel − 1.
  const limit = maxLabel - 1;
  const cols: number[] = [];
  for (let v = 0; v < w; v++) if (Math.min(v, w - 1 - v) <= limit) cols.push(v);
  const nc = cols.length;
  // Row spectra restricted to the needed columns, stored column-major for the second pass.
  const specRe = new Float64Array(nc * h);
  const specIm = new Float64Array(nc * h);
  const rowFft = fftPlan(w);
  const re = new Float64Array(w);
  const im = new Float64Array(w);
  // Two real rows per complex transform: z = a + i·b, then A_k = (Z_k + conj Z_{−k})/2, B_k = (Z_k − conj Z_{−k})/(2i).
  for (let y = 0; y < h; y += 2) {
    const second = y + 1 < h;
    const oa = y * w;
    const ob = oa + w;
    for (let x = 0; x < w; x++) {
      re[x] = (data[oa + x]! - mu) * scale;
      im[x] = second ? (data[ob + x]! - mu) * scale : 0;
    }
    rowFft(re, im);
    for (let c = 0; c < nc; c++) {
      const k = cols[c]!;
      const nk = k === 0 ? 0 : w - k;
      const zr = re[k]!;
      const zi = im[k]!;
      const cr = re[nk]!;
      const ci = -im[nk]!;
      specRe[c * h + y] = (zr + cr) / 2;
      specIm[c * h + y] = (zi + ci) / 2;
      if (second) {
        specRe[c * h + y + 1] = (zi - ci) / 2;
        specIm[c * h + y + 1] = -(zr - cr) / 2;
      }
    }
  }
  const sums = new Float64Array(maxLabel + 1);
  const colFft = fftPlan(h);
  const cre = new Float64Array(h);
  const cim = new Float64Array(h);
  for (let c = 0; c < nc; c++) {
    cre.set(specRe.subarray(c * h, c * h + h));
    cim.set(specIm.subarray(c * h, c * h + h));
    colFft(cre, cim);
    const rv = Math.min(cols[c]!, w - 1 - cols[c]!);
    for (let u = 0; u < h; u++) {
      const ru = Math.min(u, h - 1 - u);
      if (ru > limit) continue;
      const label = Math.floor(Math.sqrt(ru * ru + rv * rv)) + 1;
      if (label >= 2 && label <= maxLabel) sums[label] += cre[u]! * cre[u]! + cim[u]! * cim[u]!;
    }
  }
  return sums;
}
