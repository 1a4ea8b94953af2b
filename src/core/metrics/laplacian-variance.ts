/**
 * Variance of the Laplacian. ≥ 0; higher = sharper.
 */
import { checkMetricImage, type MetricImage } from './metric-image.js';

/**
 * Variance of the 4-neighbour Laplacian response over the image interior: ≥ 0, higher = sharper.
 *
 * Formula: L(x,y) = I(x−1,y) + I(x+1,y) + I(x,y−1) + I(x,y+1) − 4·I(x,y) for every pixel whose four
 * neighbours exist (no border padding, so no invented edges); result = population variance of L.
 *
 * Parameters
 * - image: grayscale plane, raw sample values (counts); at least 3×3 pixels.
 *
 * Returns
 * - variance in counts². 0 for constant (and all-zero) images.
 *
 * Notes
 * - Scales with gain squared and grows with noise: Poisson noise alone gives a high value in dim, flat
 *   images. OpenCV's `cv2.Laplacian(img, CV_64F).var()` uses the same kernel but reflects the border, so its
 *   value differs slightly.
 *
 * Reference
 * - Pech-Pacheco JL, Cristóbal G, Chamorro-Martínez J, Fernández-Valdivia J (2000) Diatom autofocusing in
 *   brightfield microscopy: a comparative study. Proc 15th ICPR 3:314–317. doi:10.1109/ICPR.2000.903548
 *
 * Example
 * ```ts
 * varianceOfLaplacian({ data: [0,0,0, 0,1,0, 0,0,0], width: 3, height: 3 }); // one response, −4: variance 0
 * ```
 */
export function varianceOfLaplacian(image: MetricImage): number {
  checkMetricImage(image, 'laplacian_variance', 3);
  const { data, width: w, height: h } = image;
  let sum = 0;
  let sumSq = 0;
  let count = 0;
  // Shifted sums keep precision: responses are centred on the first one before squaring.
  let shift = NaN;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = data[i - 1]! + data[i + 1]! + data[i - w]! + data[i + w]! - 4 * data[i]!;
      if (count === 0) shift = l;
      const d = l - shift;
      sum += d;
      sumSq += d * d;
      count++;
    }
  }
  const m = sum / count;
  return Math.max(0, sumSq / count - m * m);
}
