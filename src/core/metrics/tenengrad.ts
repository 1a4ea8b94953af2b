/**
 * Tenengrad: mean squared Sobel gradient magnitude. ≥ 0; higher = sharper.
 */
import { OptionsError } from '../errors.js';
import { checkMetricImage, type MetricImage } from './metric-image.js';

export interface TenengradOptions {
  /** Gradient magnitudes at or below this (counts) count as 0, suppressing flat noisy background; default 0. */
  readonly threshold?: number;
}

/**
 * Tenengrad (Tenenbaum gradient), mean squared Sobel magnitude: ≥ 0, higher = sharper.
 *
 * Formula: Gx, Gy = Sobel responses ([−1 0 1; −2 0 2; −1 0 1] and its transpose) at every interior pixel;
 * S = Gx² + Gy²; T = mean over interior pixels of (S if S > t² else 0), t the threshold.
 *
 * Parameters
 * - image: grayscale plane, raw sample values (counts); at least 3×3 pixels.
 * - options.threshold: gradient threshold t in counts (≥ 0, default 0).
 *
 * Returns
 * - T in counts². 0 for constant (and all-zero) images.
 *
 * Notes
 * - Scales with gain squared; a mean rather than Krotkov's sum, so images of different sizes compare.
 *
 * Reference
 * - Krotkov E (1988) Focusing. Int J Comput Vis 1(3):223–237. doi:10.1007/BF00127822
 * - Tenenbaum JM (1970) Accommodation in computer vision. PhD thesis, Stanford University.
 *
 * Example
 * ```ts
 * tenengrad({ data: [0,0,1, 0,0,1, 0,0,1], width: 3, height: 3 }); // Gx = 4, Gy = 0 → 16
 * ```
 */
export function tenengrad(image: MetricImage, options: TenengradOptions = {}): number {
  const t = options.threshold ?? 0;
  if (!(t >= 0) || !Number.isFinite(t)) throw new OptionsError(`tenengrad: threshold must be a finite number ≥ 0, got ${t}`);
  checkMetricImage(image, 'tenengrad', 3);
  const { data, width: w, height: h } = image;
  const t2 = t * t;
  let sum = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const a = data[i - w - 1]!, b = data[i - w]!, c = data[i - w + 1]!;
      const d = data[i - 1]!, f = data[i + 1]!;
      const g = data[i + w - 1]!, k = data[i + w]!, l = data[i + w + 1]!;
      const gx = c + 2 * f + l - (a + 2 * d + g);
      const gy = g + 2 * k + l - (a + 2 * b + c);
      const s = gx * gx + gy * gy;
      if (s > t2) sum += s;
    }
  }
  return sum / ((w - 2) * (h - 2));
}
