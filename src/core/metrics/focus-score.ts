/**
 * FocusScore: normalised variance of the whole image. ≥ 0; higher = sharper (for the same field of view).
 */
import { checkMetricImage, type MetricImage } from './metric-image.js';

/**
 * Normalised variance of the whole image: ≥ 0, higher = sharper. As CellProfiler's MeasureImageQuality `FocusScore`.
 *
 * Formula: F = Σ (I − μ)² / (N · μ), μ the mean intensity, N the pixel count.
 *
 * Parameters
 * - image: grayscale plane, raw sample values (counts); any size ≥ 1×1.
 *
 * Returns
 * - F in intensity units (counts). 0 for a constant image and whenever μ ≤ 0 (all-zero or negative-mean
 *   float images), as in CellProfiler, where the ratio is undefined.
 *
 * Notes
 * - Scales linearly with gain: CellProfiler works on intensities rescaled to 0…1, so its value equals ours
 *   divided by the full scale (65535 for 16-bit data). Sensitive to cell density and brightness, so it
 *   compares focus of the same field well (autofocus) and different fields poorly.
 *
 * Reference
 * - Groen FCA, Young IT, Ligthart G (1985) A comparison of different focus functions for use in autofocus
 *   algorithms. Cytometry 6(2):81–91. doi:10.1002/cyto.990060202
 * - Sun Y, Duthaler S, Nelson BJ (2004) Autofocusing in computer microscopy: selecting the optimal focus
 *   algorithm. Microsc Res Tech 65(3):139–149. doi:10.1002/jemt.20118
 *
 * Example
 * ```ts
 * focusScore({ data: [1, 3], width: 2, height: 1 }); // ((1−2)² + (3−2)²) / (2·2) = 0.5
 * ```
 */
export function focusScore(image: MetricImage): number {
  checkMetricImage(image, 'focus_score');
  const { data } = image;
  const n = data.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i]!;
  const mu = sum / n;
  if (!(mu > 0)) return 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i]! - mu;
    ss += d * d;
  }
  return ss / (n * mu);
}
