/**
 * The intensity rule: stored pixel value → model input, `(value − offset) / scale`. The rule is the model card's
 * (`scaling.rule`), so a model and the code that feeds it cannot disagree; training/inputs.py is the Python twin
 * (test/training/scaling-parity.test.ts checks that both give the same numbers).
 *
 * - "full-scale" (models ≤ 1.1, and any card without a numeric rule): offset 0, scale = the full scale of the bit
 *   depth — 8-bit: 255; 16-bit: 65535; 32-bit float: 1 if every pixel lies within [0, 1] (ImageJ's and scikit-image's
 *   float convention), else 65535 (counts of a 16-bit camera).
 * - "percentile" (model 2): offset P_low, scale P_high − P_low of the image's own values (defaults 1 and 99.9), so a
 *   camera's offset, gain and bit depth drop out. The percentiles are read from every k-th pixel, k = ⌈n / maxSamples⌉,
 *   as the element at index ⌊q/100 · (m − 1)⌋ of the m sorted samples. A range below one count (1, or 1/65535 for
 *   float images in [0, 1]) is taken as one count: a flat image maps to zeros.
 * NaN or ±Infinity pixels make a float image unmeasurable: ImageContentError giving their count.
 */
import { ImageContentError } from './errors.js';
import type { ModelCard } from './model-card.js';
import type { GrayImage, PatchRect } from './types.js';

export type IntensityRule =
  | { readonly rule: 'full-scale' }
  | { readonly rule: 'percentile'; readonly low: number; readonly high: number; readonly maxSamples: number };

export const FULL_SCALE_RULE: IntensityRule = { rule: 'full-scale' };

/** input = (value − offset) / scale */
export interface InputMapping {
  readonly offset: number;
  readonly scale: number;
}

/** The card's rule; a card whose `scaling.rule` is not "percentile" (e.g. 1.1.0's prose) means full scale. */
export function intensityRuleOf(card: Pick<ModelCard, 'scaling'>): IntensityRule {
  const s = card.scaling;
  if (!s || s['rule'] !== 'percentile') return FULL_SCALE_RULE;
  const low = s['low'];
  const high = s['high'];
  const maxSamples = s['maxSamples'];
  if (typeof low !== 'number' || typeof high !== 'number' || typeof maxSamples !== 'number' || !(low >= 0 && low < high && high <= 100) || !(Number.isInteger(maxSamples) && maxSamples > 0)) {
    throw new RangeError(`model card: the percentile rule needs 0 ≤ low < high ≤ 100 and a positive integer maxSamples, got ${JSON.stringify(s)}`);
  }
  return { rule: 'percentile', low, high, maxSamples };
}

/** The q-th percentiles (in `qs`) of every k-th value, k = ⌈n / maxSamples⌉, by index ⌊q/100 · (m − 1)⌋ after sorting. */
export function samplePercentiles(data: ArrayLike<number>, qs: readonly number[], maxSamples: number): number[] {
  const step = Math.max(1, Math.ceil(data.length / maxSamples));
  const m = Math.ceil(data.length / step);
  const samples = new Float64Array(m);
  for (let i = 0, j = 0; j < m; i += step, j++) samples[j] = data[i]!;
  samples.sort();
  return qs.map((q) => samples[Math.floor((q / 100) * (m - 1))]!);
}

/** How the image's values map to model input under `rule` (`full` = fullScale(image), pass it when already known). */
export function inputMapping(image: GrayImage, rule: IntensityRule, full = fullScale(image)): InputMapping {
  if (rule.rule === 'full-scale') return { offset: 0, scale: full };
  const [lo, hi] = samplePercentiles(image.data, [rule.low, rule.high], rule.maxSamples) as [number, number];
  const count = full <= 1 ? full / 65535 : 1;
  return { offset: lo, scale: Math.max(hi - lo, count) };
}

/** The divisor that maps the image's values into the model's input range (see the module comment). */
export function fullScale(image: GrayImage): number {
  if (image.bitDepth === 8) return 255;
  if (image.bitDepth === 16) return 65535;
  const data = image.data;
  let nonFinite = 0;
  let withinUnit = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) nonFinite++;
    else if (v < 0 || v > 1) withinUnit = false;
  }
  if (nonFinite > 0) throw new ImageContentError(`${nonFinite} of ${data.length} pixels are NaN or infinite`);
  return withinUnit ? 1 : 65535;
}

/**
 * Copies the given patches, mapped to the model's input, into one float32 buffer laid out [n, 1, P, P].
 * Pass `out` (at least n·P·P long) to reuse a buffer across batches; a view of exactly n·P·P values is returned.
 * `mapping` defaults to the full-scale rule; a number is a scale with offset 0. Compute it once per image when
 * extracting in batches (inputMapping scans the image).
 */
export function extractPatches(image: GrayImage, rects: readonly PatchRect[], patchSize: number, out?: Float32Array, mapping: InputMapping | number = fullScale(image)): Float32Array {
  const { offset, scale } = typeof mapping === 'number' ? { offset: 0, scale: mapping } : mapping;
  const area = patchSize * patchSize;
  const need = rects.length * area;
  if (out && out.length < need) throw new RangeError(`output buffer holds ${out.length} values, ${need} needed`);
  const dst = out ? out.subarray(0, need) : new Float32Array(need);
  const inv = 1 / scale;
  const { data, width, height } = image;
  rects.forEach((r, k) => {
    if (r.w !== patchSize || r.h !== patchSize || r.x < 0 || r.y < 0 || r.x + r.w > width || r.y + r.h > height) {
      throw new RangeError(`patch ${k} at (${r.x}, ${r.y}) size ${r.w}×${r.h} does not fit a ${width}×${height} image with ${patchSize}-pixel patches`);
    }
    let o = k * area;
    for (let row = 0; row < patchSize; row++) {
      let s = (r.y + row) * width + r.x;
      for (let col = 0; col < patchSize; col++) dst[o++] = (data[s++]! - offset) * inv;
    }
  });
  return dst;
}
