import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aggregatePatches } from '../../src/core/aggregate.js';
import { METRICS, metricPerPatch } from '../../src/core/metrics/index.js';
import { splitIntoPatches } from '../../src/core/patches.js';
import type { GrayImage, ImageStack } from '../../src/core/types.js';
import { measureStack } from '../../src/core/measure-stack.js';
import { measureImage, modelMeasurer } from '../../src/inference/measure.js';
import type { FocusModel } from '../../src/inference/session.js';
import { loadModelFromDisk } from '../../src/node/model-files.js';
import { readImageFile } from '../../src/node/image-files.js';
import { IN_FOCUS_DIR } from '../io/fixtures.js';
import { affineProbs, makeTinyModels } from './tiny.js';

/** Mean of a w×h rectangle in the model's input scale, computed independently of core/scaling.ts. */
function patchMeanRect(img: GrayImage, x: number, y: number, w: number, h: number, scale: number): number {
  let s = 0;
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) s += img.data[(y + r) * img.width + x + c]!;
  return s / (w * h) / scale;
}

/** Mean of a patch in the model's input scale, computed independently of core/scaling.ts. */
function patchMean(img: GrayImage, x: number, y: number, P: number, scale: number): number {
  let s = 0;
  for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) s += img.data[(y + r) * img.width + x + c]!;
  return s / (P * P) / scale;
}

describe('measureImage / measureStack with the affine test model on a real image', { timeout: 120_000 }, () => {
  let model: FocusModel;
  let image: GrayImage;

  before(async () => {
    model = await loadModelFromDisk(join(makeTinyModels(), 'affine.onnx'));
    image = (await readImageFile(join(IN_FOCUS_DIR, 'BBBC006_a01_s1_w1_z10.tif'))).slices[0]!;
  });
  after(() => model?.dispose());

  it('gives every patch of the full grid the probabilities the model formula predicts', async () => {
    const r = await measureImage(model, image, { batchSize: 16 });
    const rects = splitIntoPatches(696, 520, 84);
    assert.equal(r.patches.length, rects.length);
    r.patches.forEach((p, i) => {
      assert.deepEqual({ x: p.x, y: p.y }, { x: rects[i]!.x, y: rects[i]!.y });
      const want = affineProbs(patchMean(image, p.x, p.y, 84, 65535));
      p.probs.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) < 1e-4, `patch ${i} level ${k}: ${v} vs ${want[k]}`));
    });
    const agg = aggregatePatches(r.patches, model.card);
    assert.equal(r.level, agg.level);
    assert.equal(r.score, agg.score);
    assert.equal(r.backend, 'wasm');
    assert.ok(r.timings.inferenceMs! >= 0 && r.timings.totalMs! >= r.timings.inferenceMs!);
  });

  it('does not depend on the batch size (1, 7, 64, 4096)', async () => {
    const base = await measureImage(model, image, { batchSize: 64 });
    for (const batchSize of [1, 7, 4096]) {
      const r = await measureImage(model, image, { batchSize });
      r.patches.forEach((p, i) => p.probs.forEach((v, k) => assert.ok(Math.abs(v - base.patches[i]!.probs[k]!) < 1e-6)));
    }
  });

  it('reports progress after every batch, ending at the patch count', async () => {
    const seen: [number, number][] = [];
    await measureImage(model, image, { batchSize: 20 }, { onProgress: (d, t) => seen.push([d, t]) });
    assert.deepEqual(seen, [[20, 63], [40, 63], [60, 63], [63, 63]]);
  });

  it('stops with a CancelledError when the signal aborts between batches', async () => {
    const ctl = new AbortController();
    let batches = 0;
    await assert.rejects(
      measureImage(model, image, { batchSize: 8 }, { signal: ctl.signal, onProgress: () => (++batches === 2 ? ctl.abort() : undefined) }),
      (e: Error) => e.name === 'CancelledError',
    );
    assert.equal(batches, 2);
  });

  it('gives a verdict: in/out by the level for a real image; uncertain, with a warning, for a constant one', async () => {
    const r = await measureImage(model, image);
    assert.equal(r.verdict, r.inFocus ? 'in' : 'out');
    // Bright flat field: this model rates it level 0 with full certainty, yet there is nothing to judge.
    const flat = await measureImage(model, { width: 200, height: 100, bitDepth: 16, data: new Uint16Array(200 * 100).fill(60000) });
    assert.equal(flat.level, 0);
    assert.equal(flat.inFocus, true);
    assert.equal(flat.verdict, 'uncertain');
    assert.match((flat.warnings ?? []).join('; '), /no content to judge/);
  });

  it('resamples to the card\'s native pixel size: patches on the original grid, each rated on the mean of its own pixels', async () => {
    const native = { ...model, card: { ...model.card, pixelSizeUm: 0.65 } };
    const r = await measureImage(native, { ...image, pixelSize: { x: 0.325, y: 0.325 } }, { metrics: ['brenner'] });
    assert.deepEqual(r.resampled, { width: 348, height: 260 });
    assert.deepEqual(r.pixelSize, { x: 0.325, y: 0.325 });
    assert.equal(r.width, 696);
    const grid = splitIntoPatches(348, 260, 84);
    assert.deepEqual(r.patches.map(({ x, y, w, h }) => ({ x, y, w, h })), grid.map((g) => ({ x: 2 * g.x, y: 2 * g.y, w: 168, h: 168 })));
    r.patches.forEach((p, i) => {
      const want = affineProbs(patchMeanRect(image, p.x, p.y, p.w, p.h, 65535));
      p.probs.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) < 1e-4, `patch ${i} level ${k}: ${v} vs ${want[k]}`));
    });
    const rects = r.patches.map(({ x, y, w, h }) => ({ x, y, w, h }));
    assert.deepEqual(r.patches.map((p) => p.metrics!.brenner), metricPerPatch(image, rects, METRICS.brenner), 'classic metrics on the original pixels');
    // The option overrides the file's pixel size; larger pixels are enlarged (84 native pixels = 42 of the image's).
    const big = await measureImage(native, { ...image, pixelSize: { x: 0.325, y: 0.325 } }, { pixelSize: { x: 1.3, y: 1.3 } });
    assert.deepEqual(big.resampled, { width: 1392, height: 1040 });
    assert.equal(big.patches.length, splitIntoPatches(1392, 1040, 84).length);
    assert.ok(big.patches.every((p) => p.w === 42 && p.h === 42 && p.x + p.w <= 696 && p.y + p.h <= 520));
  });

  it('says so when the card has a native pixel size and the image none, and measures as before', async () => {
    const native = { ...model, card: { ...model.card, pixelSizeUm: 0.65 } };
    const [a, b] = [await measureImage(native, image), await measureImage(model, image)];
    assert.match((a.warnings ?? []).join('; '), /pixel size unknown/);
    assert.equal(b.warnings, undefined);
    assert.deepEqual(a.patches, b.patches);
  });

  it('refuses an image smaller than a patch and one with NaN pixels (ImageContentError)', async () => {
    await assert.rejects(measureImage(model, { width: 83, height: 100, bitDepth: 8, data: new Uint8Array(8300) }), (e: Error) => e.name === 'ImageContentError' && /83×100/.test(e.message));
    const nan = new Float32Array(84 * 84).fill(0.5);
    nan[7] = NaN;
    await assert.rejects(measureImage(model, { width: 84, height: 84, bitDepth: 32, data: nan }), (e: Error) => e.name === 'ImageContentError' && /1 of 7056 pixels/.test(e.message));
  });

  it('measures every slice, or keeps only the lowest-score slice for best', async () => {
    // For this model brighter means sharper; slice 1 is the brightest.
    const dim = (f: number): GrayImage => ({ ...image, data: Uint16Array.from(image.data, (v) => Math.min(65535, v * f)) });
    const stack: ImageStack = { width: 696, height: 520, bitDepth: 16, slices: [dim(1), dim(40), dim(10)], warnings: [] };
    const { results: all } = await measureStack(modelMeasurer(model), stack, { slices: 'all' });
    assert.deepEqual(all.map((r) => r.slice), [0, 1, 2]);
    const { results: [best] } = await measureStack(modelMeasurer(model), stack, { slices: 'best' });
    assert.equal(best!.slice, 1);
    assert.equal(best!.score, Math.min(...all.map((r) => r.score)));
    const { results: [one] } = await measureStack(modelMeasurer(model), stack, { slices: 2 });
    assert.equal(one!.slice, 2);
  });

  it('refuses an empty stack with an ImageContentError', async () => {
    await assert.rejects(measureStack(modelMeasurer(model), { slices: [] }), (e: Error) => e.name === 'ImageContentError' && /empty/.test(e.message));
  });
});
