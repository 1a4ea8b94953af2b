/** Properties on real images: monotone under more blur, gain behaviour, per-patch form equals cropping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRIC_NAMES, METRICS, cropImage, metricPerPatch, plls, type MetricImage } from '../../../src/core/metrics/index.js';
import { DATA_DIR, addPoissonNoise, gaussianBlur, loadTiff16 } from './fixtures.js';

// Blur σ (px) roughly spanning the paper's first defocus levels (blur diameters of 1, 4, 7 … pixels).
const SIGMAS = [0, 1, 2, 3, 4.5];
// Shot noise is added after the blur, as in the paper's synthetic defocus: a real defocused image keeps its
// sensor noise. Without it, LocalFocusScore rises with blur (smoothing empties the background tiles that set
// its median), which would not happen on a microscope.

for (const file of ['BBBC006_a01_s1_w1_z10.tif', 'BBBC006_a05_s1_w1_z10.tif']) {
  test(`every metric decreases strictly along a Gaussian-blur + shot-noise defocus series of ${file}`, async () => {
    const image = await loadTiff16(`${DATA_DIR}/bbbc006-in-focus/${file}`);
    const series = SIGMAS.map((s, i) => addPoissonNoise(gaussianBlur(image, s), 100 + i));
    for (const name of METRIC_NAMES) {
      const values = series.map((img) => METRICS[name](img));
      for (let i = 1; i < values.length; i++) {
        assert.ok(values[i]! < values[i - 1]!, `${name} not decreasing at σ=${SIGMAS[i]}: ${values.map((v) => v.toPrecision(5)).join(', ')}`);
      }
    }
  });
}

test('PLLS is unchanged by gain and offset; FocusScore scales linearly with gain', async () => {
  const image = await loadTiff16(`${DATA_DIR}/bbbc006-in-focus/crop_100x100.tif`);
  const scaled: MetricImage = { data: Float64Array.from(image.data, (v) => 3 * v + 250), width: image.width, height: image.height };
  assert.ok(Math.abs(plls(scaled) - plls(image)) < 1e-10);
  const gained: MetricImage = { data: Float64Array.from(image.data, (v) => 3 * v), width: image.width, height: image.height };
  const ratio = METRICS.focus_score(gained) / METRICS.focus_score(image);
  assert.ok(Math.abs(ratio - 3) < 1e-9, `ratio ${ratio}`);
});

test('the gradient metrics give the same value for an image and its 90° rotation', async () => {
  const image = await loadTiff16(`${DATA_DIR}/bbbc006-in-focus/crop_100x100.tif`);
  const { width: w, height: h } = image;
  const rotated = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rotated[x * h + (h - 1 - y)] = image.data[y * w + x]!;
  const rot: MetricImage = { data: rotated, width: h, height: w };
  for (const name of ['focus_score', 'laplacian_variance', 'brenner', 'tenengrad'] as const) {
    const a = METRICS[name](image);
    const b = METRICS[name](rot);
    assert.ok(Math.abs(a - b) <= 1e-9 * a, `${name}: ${a} vs ${b}`);
  }
});

test('metricPerPatch returns one value per rectangle, equal to the metric of the cropped patch', async () => {
  const image = await loadTiff16(`${DATA_DIR}/bbbc006-in-focus/BBBC006_a01_s1_w1_z10.tif`);
  const rects = [{ x: 0, y: 0, w: 84, h: 84 }, { x: 84, y: 0, w: 84, h: 84 }, { x: 612, y: 436, w: 84, h: 84 }];
  const values = metricPerPatch(image, rects, plls);
  assert.equal(values.length, 3);
  rects.forEach((r, i) => assert.equal(values[i], plls(cropImage(image, r))));
  assert.notEqual(values[0], values[1]);
});
