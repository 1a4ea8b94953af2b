import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toNativeScale, MAX_RESAMPLE_RATIO } from '../../src/core/native-scale.js';
import { parsePixelSize, resolveOptions } from '../../src/core/options.js';
import { splitIntoPatches } from '../../src/core/patches.js';
import { axisWeights, mapRect, resamplePlane } from '../../src/core/resample.js';
import type { GrayImage } from '../../src/core/types.js';

const close = (a: number, b: number, eps = 1e-5): void => assert.ok(Math.abs(a - b) <= eps, `${a} ≠ ${b}`);
const plane = (w: number, h: number, f: (x: number, y: number) => number, bitDepth: 8 | 16 | 32 = 16): GrayImage => {
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(x, y);
  return { data, width: w, height: h, bitDepth };
};
const mean = (d: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]!;
  return s / d.length;
};

describe('axisWeights', () => {
  it('every output pixel\'s weights sum to 1, shrinking and enlarging', () => {
    for (const [n, m] of [[10, 5], [7, 3], [696, 348], [520, 173], [5, 10], [3, 7], [1, 4], [84, 84]]) {
      const w = axisWeights(n!, m!);
      for (let j = 0; j < m!; j++) {
        let s = 0;
        for (let k = 0; k < w.count[j]!; k++) s += w.weights[w.offset[j]! + k]!;
        close(s, 1, 1e-12);
        assert.ok(w.start[j]! >= 0 && w.start[j]! + w.count[j]! <= n!, `${n}→${m}: output ${j} reads inside the input`);
      }
    }
  });

  it('shrinking 3 → 2 averages by covered area: [2/3, 1/3] and [1/3, 2/3]', () => {
    const w = axisWeights(3, 2);
    assert.deepEqual([...w.start], [0, 1]);
    close(w.weights[0]!, 2 / 3, 1e-12);
    close(w.weights[1]!, 1 / 3, 1e-12);
    close(w.weights[2]!, 1 / 3, 1e-12);
    close(w.weights[3]!, 2 / 3, 1e-12);
  });
});

describe('resamplePlane', () => {
  it('halving is 2×2 binning: each output pixel is the mean of its four input pixels', () => {
    const src = plane(6, 4, (x, y) => x * 10 + y * 100 + ((x * y) % 3));
    const out = resamplePlane(src, 3, 2);
    for (let y = 0; y < 2; y++) {
      for (let x = 0; x < 3; x++) {
        const at = (xx: number, yy: number): number => src.data[yy * 6 + xx]!;
        close(out.data[y * 3 + x]!, (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1)) / 4);
      }
    }
    assert.equal(out.bitDepth, 16, 'the intensity scale is kept');
  });

  it('shrinking by any factor keeps the mean intensity (area averaging conserves light)', () => {
    const src = plane(697, 521, (x, y) => (Math.sin(x / 7) + Math.cos(y / 11) + 2) * 1000);
    for (const [w, h] of [[348, 260], [233, 300], [100, 100]]) close(mean(resamplePlane(src, w!, h!).data), mean(src.data), 1e-3 * mean(src.data));
  });

  it('enlarging interpolates linearly between pixel centres: [0, 10] → [0, 2.5, 7.5, 10]', () => {
    const out = resamplePlane(plane(2, 1, (x) => 10 * x), 4, 1);
    assert.deepEqual([...out.data], [0, 2.5, 7.5, 10]);
  });

  it('a constant plane stays constant, either way; the same size is the identity', () => {
    const flat = plane(50, 40, () => 1234);
    for (const [w, h] of [[25, 20], [100, 80], [33, 57]]) assert.ok(resamplePlane(flat, w!, h!).data.every((v) => Math.abs(v - 1234) < 1e-3));
    const src = plane(9, 7, (x, y) => x * y);
    assert.deepEqual([...resamplePlane(src, 9, 7).data], [...src.data]);
  });
});

describe('mapRect', () => {
  it('maps the patch grid of a half-size plane onto the full grid: doubled, shared edges kept, the last patch ends at the edge', () => {
    const rects = splitIntoPatches(348, 260, 84);
    const mapped = rects.map((r) => mapRect(r, { width: 348, height: 260 }, { width: 696, height: 520 }));
    mapped.forEach((m, i) => assert.deepEqual(m, { x: 2 * rects[i]!.x, y: 2 * rects[i]!.y, w: 168, h: 168 }));
    assert.equal(Math.max(...mapped.map((m) => m.x + m.w)), 696);
    assert.equal(Math.max(...mapped.map((m) => m.y + m.h)), 520);
  });

  it('rounds edges to whole pixels for a non-integer ratio, so neighbours still touch', () => {
    const from = { width: 233, height: 173 };
    const to = { width: 700, height: 520 };
    const rects = splitIntoPatches(233, 173, 84);
    const mapped = rects.map((r) => mapRect(r, from, to));
    for (const m of mapped) assert.ok(Number.isInteger(m.x) && Number.isInteger(m.w) && m.x + m.w <= 700 && m.y + m.h <= 520);
    assert.equal(mapped[0]!.x + mapped[0]!.w, mapped[1]!.x, 'first and second patch share an edge');
  });
});

describe('toNativeScale', () => {
  const img = (pixelSize?: { x: number; y: number }): GrayImage => ({ ...plane(696, 520, (x) => x), ...(pixelSize ? { pixelSize } : {}) });

  it('leaves the plane alone when the card states no native size, without a warning', () => {
    const n = toNativeScale(img({ x: 0.325, y: 0.325 }), {});
    assert.equal(n.resampled, undefined);
    assert.deepEqual(n.warnings, []);
    assert.deepEqual(n.pixelSize, { x: 0.325, y: 0.325 });
  });

  it('measures as it is, with a warning, when the card states a size and the image none', () => {
    const n = toNativeScale(img(), { pixelSizeUm: 0.65 });
    assert.equal(n.plane.width, 696);
    assert.match(n.warnings[0]!, /pixel size unknown: measured as if its pixels were the model's native 0\.65 µm/);
  });

  it('resamples to the native size; the option beats the file; within 1 % nothing is done', () => {
    const half = toNativeScale(img({ x: 0.325, y: 0.325 }), { pixelSizeUm: 0.65 });
    assert.deepEqual(half.resampled, { width: 348, height: 260 });
    assert.deepEqual(half.toInput({ x: 84, y: 84, w: 84, h: 84 }), { x: 168, y: 168, w: 168, h: 168 });
    const given = toNativeScale(img({ x: 0.325, y: 0.325 }), { pixelSizeUm: 0.65 }, { x: 1.3, y: 0.65 });
    assert.deepEqual(given.resampled, { width: 1392, height: 520 });
    assert.equal(toNativeScale(img({ x: 0.654, y: 0.647 }), { pixelSizeUm: 0.65 }).resampled, undefined);
  });

  it(`refuses to resample by more than ${MAX_RESAMPLE_RATIO}× either way`, () => {
    assert.throws(() => toNativeScale(img({ x: 20, y: 20 }), { pixelSizeUm: 0.65 }), (e: Error) => e.name === 'ImageContentError' && /beyond the 16×/.test(e.message));
    assert.throws(() => toNativeScale(img({ x: 0.01, y: 0.01 }), { pixelSizeUm: 0.65 }), (e: Error) => e.name === 'ImageContentError' && /beyond the 16×/.test(e.message));
  });
});

describe('the pixelSize option', () => {
  it('takes a number, "x", "x,y" or {x, y} in µm', () => {
    assert.deepEqual(parsePixelSize(0.65), { x: 0.65, y: 0.65 });
    assert.deepEqual(parsePixelSize('0.65'), { x: 0.65, y: 0.65 });
    assert.deepEqual(parsePixelSize(' 0.5, 0.6 '), { x: 0.5, y: 0.6 });
    assert.deepEqual(resolveOptions({ pixelSize: { x: 1, y: 2 } }).pixelSize, { x: 1, y: 2 });
    assert.equal(resolveOptions({}).pixelSize, undefined);
  });

  it('refuses values outside 0.01–100 µm and malformed ones with an OptionsError', () => {
    assert.deepEqual(parsePixelSize('0.01,100'), { x: 0.01, y: 100 });
    for (const bad of [0, -1, 0.005, 150, 5000, 'abc', '0.5,', ',0.5', '1,2,3', { x: 1 }, Number.NaN, null, true]) {
      assert.throws(() => resolveOptions({ pixelSize: bad }), (e: Error) => e.name === 'OptionsError' && /"pixelSize"/.test(e.message), JSON.stringify(bad));
    }
  });
});
