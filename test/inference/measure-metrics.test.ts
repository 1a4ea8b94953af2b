// The metrics step of measureImage: whole-image and per-patch values, and what happens when a metric cannot be computed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRICS, PLLS_MIN_SIDE, computeMetrics } from '../../src/core/metrics/index.js';
import { computeMetricValues } from '../../src/inference/measure-metrics.js';

/** A deterministic textured image (no two neighbours equal), so every metric is non-trivial. */
function texture(width: number, height: number): { data: Uint16Array; width: number; height: number } {
  const data = new Uint16Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 1000 + ((i * 7919) % 613) + 200 * Math.sin(i / 3);
  return { data, width, height };
}

test('whole-image values are those of computeMetrics; patch values those of the metric on the cropped rectangle', () => {
  const image = texture(100, 60);
  const rects = [{ x: 0, y: 0, w: 50, h: 40 }, { x: 50, y: 20, w: 50, h: 40 }];
  const v = computeMetricValues(image, rects, ['plls', 'tenengrad']);
  assert.deepEqual(v.image, computeMetrics(image, ['plls', 'tenengrad']));
  assert.deepEqual(v.warnings, []);
  const crop = new Uint16Array(50 * 40);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 50; x++) crop[y * 50 + x] = image.data[(20 + y) * 100 + 50 + x]!;
  assert.equal(v.patches[1]!.tenengrad, METRICS.tenengrad({ data: crop, width: 50, height: 40 }));
  assert.equal(v.patches.length, 2);
});

test('a metric that cannot be computed is left out with a warning naming it; the other metrics are kept', () => {
  const small = PLLS_MIN_SIDE - 2;
  const image = texture(small * 2, small);
  const rects = [{ x: 0, y: 0, w: small, h: small }, { x: small, y: 0, w: small, h: small }];
  const v = computeMetricValues(image, rects, ['plls', 'brenner']);
  assert.deepEqual(Object.keys(v.image), ['brenner']);
  assert.ok(v.patches.every((p) => Object.keys(p).join() === 'brenner'));
  assert.equal(v.warnings.length, 2);
  assert.match(v.warnings[0]!, /^plls: .*smaller than .* \(whole-image plls left empty\)$/);
  assert.match(v.warnings[1]!, /^per-patch plls left empty for 2 of 2 patch\(es\): plls: /);
});

test('NaN pixels in a float image leave every metric out with a warning instead of a NaN value', () => {
  const image = { data: new Float32Array(64 * 64).fill(0.5), width: 64, height: 64 };
  image.data[5] = NaN;
  const v = computeMetricValues(image, [{ x: 0, y: 0, w: 32, h: 32 }, { x: 32, y: 32, w: 32, h: 32 }], ['focus_score']);
  assert.deepEqual(v.image, {});
  assert.deepEqual(v.patches[0], {}, 'the patch holding the NaN');
  assert.ok(Number.isFinite(v.patches[1]!.focus_score), 'a clean patch keeps its value');
  assert.match(v.warnings.join('\n'), /NaN or infinite pixel/);
  assert.match(v.warnings.join('\n'), /per-patch focus_score left empty for 1 of 2/);
});
