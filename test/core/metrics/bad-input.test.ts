/** Constant, all-zero, NaN-containing and too-small images: a defined value or a named error, never NaN. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, METRIC_INFO, METRIC_NAMES, METRICS, metricPerPatch, parseMetricNames, plls, localFocusScore, tenengrad } from '../../../src/core/metrics/index.js';

const errorNamed = (name: string, pattern: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof Error, 'expected an Error');
  assert.equal(err.name, name);
  assert.match(err.message, pattern);
  return true;
};

test('every metric gives exactly 0 for a constant 64×64 image', () => {
  const image = { data: new Uint16Array(64 * 64).fill(1234), width: 64, height: 64 };
  for (const name of METRIC_NAMES) assert.equal(METRICS[name](image), 0, name);
});

test('every metric gives exactly 0 for an all-zero 64×64 image', () => {
  const image = { data: new Float32Array(64 * 64), width: 64, height: 64 };
  for (const name of METRIC_NAMES) assert.equal(METRICS[name](image), 0, name);
});

test('a NaN pixel raises ImageContentError naming the metric and the pixel position', () => {
  const data = new Float32Array(64 * 64).fill(5);
  data[3 * 64 + 7] = NaN;
  for (const name of METRIC_NAMES) {
    assert.throws(() => METRICS[name]({ data, width: 64, height: 64 }), errorNamed('ImageContentError', new RegExp(`${name}.*NaN.*x=7, y=3`)));
  }
});

test('an infinite pixel is rejected like NaN', () => {
  const data = new Float32Array(40 * 40).fill(5);
  data[0] = Infinity;
  assert.throws(() => plls({ data, width: 40, height: 40 }), errorNamed('ImageContentError', /infinite/));
});

test('images smaller than a metric window raise ImageContentError with both sizes', () => {
  assert.throws(() => plls({ data: new Uint16Array(31 * 100), width: 100, height: 31 }), errorNamed('ImageContentError', /100×31.*32×32/));
  for (const name of ['laplacian_variance', 'brenner', 'tenengrad'] as const) {
    assert.throws(() => METRICS[name]({ data: [1, 2, 3, 4, 5, 6], width: 3, height: 2 }), errorNamed('ImageContentError', /3×2.*3×3/));
  }
});

test('an empty image raises ImageContentError for every metric', () => {
  for (const name of METRIC_NAMES) {
    assert.throws(() => METRICS[name]({ data: new Uint8Array(0), width: 0, height: 0 }), errorNamed('ImageContentError', /0×0/));
  }
});

test('a data length that does not match width×height raises ImageContentError', () => {
  assert.throws(() => computeMetrics({ data: new Uint16Array(10), width: 4, height: 4 }, ['focus_score']), errorNamed('ImageContentError', /10 samples.*16/));
});

test('unknown metric names raise OptionsError listing the valid names, before any work', () => {
  assert.throws(() => computeMetrics({ data: [Number.NaN], width: 1, height: 1 }, ['plls', 'sharpness']), errorNamed('OptionsError', /"sharpness".*plls, focus_score/));
  assert.throws(() => parseMetricNames('focus_score,,bogus'), errorNamed('OptionsError', /"bogus"/));
});

test('parseMetricNames reads comma lists, trims, drops duplicates and expands "all"', () => {
  assert.deepEqual(parseMetricNames(' plls, brenner ,plls'), ['plls', 'brenner']);
  assert.deepEqual(parseMetricNames('all'), [...METRIC_NAMES]);
});

test('bad metric options raise OptionsError', () => {
  const image = { data: [1, 2, 3, 4, 5, 6, 7, 8, 9], width: 3, height: 3 };
  assert.throws(() => localFocusScore(image, { tileSize: 0 }), errorNamed('OptionsError', /tileSize/));
  assert.throws(() => tenengrad(image, { threshold: -1 }), errorNamed('OptionsError', /threshold/));
});

test('metricPerPatch rejects a rectangle outside the image', () => {
  const image = { data: new Uint16Array(100 * 100), width: 100, height: 100 };
  assert.throws(() => metricPerPatch(image, [{ x: 50, y: 50, w: 84, h: 84 }], METRICS.focus_score), errorNamed('ImageContentError', /84×84 at \(50, 50\)/));
});

test('a mostly flat image with a few bright pixels (median deviation 0) gives a finite PLLS', () => {
  const data = new Uint16Array(64 * 64).fill(100);
  data[10 * 64 + 10] = 5000;
  data[40 * 64 + 33] = 3000;
  const v = plls({ data, width: 64, height: 64 });
  assert.ok(Number.isFinite(v) && v !== 0, `got ${v}`);
});

test('every registered metric has a label, units and a DOI', () => {
  for (const name of METRIC_NAMES) {
    const info = METRIC_INFO[name];
    assert.ok(info.label.length > 0 && info.units.length > 0 && /^10\.\d+\//.test(info.doi), name);
  }
});
