/**
 * Brenner gradient: mean squared difference between pixels two apart. ≥ 0; higher = sharper.
 */
import { checkMetricImage, type MetricImage } from './metric-image.js';

/**
 * Brenner gradient in both axes: ≥ 0, higher = sharper.
 *
 * Formula: B = mean over valid (x,y) of (I(x+2,y) − I(x,y))² + mean over valid (x,y) of (I(x,y+2) − I(x,y))².
 * Brenner's original sums the horizontal term only; adding the vertical one makes the value the same for an
 * image and its 90° rotation, and taking means keeps it comparable across image sizes.
 *
 * Parameters
 * - image: grayscale plane, raw sample values (counts); at least 3×3 pixels.
 *
 * Returns
 * - B in counts². 0 for constant (and all-zero) images.
 *
 * Notes
 * - Scales with gain squared; the distance of 2 pixels skips single-pixel noise correlation but still
 *   responds to Poisson noise in dim images.
 *
 * Reference
 * - Brenner JF, Dew BS, Horton JB, King T, Neurath PW, Selles WD (1976) An automated microscope for
 *   cytologic research: a preliminary evaluation. J Histochem Cytochem 24(1):100–111. doi:10.1177/24.1.1254907
 *
 * Example
 * ```ts
 * brenner({ data: [0,0,2, 0,0,2, 0,0,2], width: 3, height: 3 }); // horizontal 4, vertical 0 → 4
 * ```
 */
export function brenner(image: MetricImage): number {
  checkMetricImage(image, 'brenner', 3);
  const { data, width: w, height: h } = image;
  let sx = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x + 2 < w; x++) {
      const d = data[row + x + 2]! - data[row + x]!;
      sx += d * d;
    }
  }
  let sy = 0;
  for (let y = 0; y + 2 < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const d = data[row + 2 * w + x]! - data[row + x]!;
      sy += d * d;
    }
  }
  return sx / ((w - 2) * h) + sy / (w * (h - 2));
}
