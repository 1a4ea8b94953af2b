/**
 * The fixed-batch model written at export time (training/export_onnx.py --fixed_batch 64 → models/focus-quality.b64.onnx
 * with its own card), for onnxruntime-web's WebGL backend, which cannot run a symbolic batch. Checked in
 * onnxruntime-web (Node, wasm): its card matches the file, ORT declares and enforces the batch, and on every patch of
 * real images it computes what the dynamic-batch model computes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import type { ModelCard } from '../../src/core/model-card.js';
import { measureImage } from '../../src/inference/measure.js';
import type { FocusModel } from '../../src/inference/session.js';
import { readImageFile } from '../../src/node/image-files.js';
import { cardPathFor, defaultModelPath, loadModelFromDisk, packageRoot, readModelCard } from '../../src/node/model-files.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR } from '../io/fixtures.js';

const FIXED = join(packageRoot(), 'models', 'focus-quality.b64.onnx');

describe('the fixed-batch model written at export', { timeout: 300_000 }, () => {
  let card: ModelCard;
  let dynamicCard: ModelCard;
  let dynamic: FocusModel;
  let fixed: FocusModel;
  before(async () => {
    card = await readModelCard(cardPathFor(FIXED));
    dynamicCard = await readModelCard(cardPathFor(defaultModelPath()));
    dynamic = await loadModelFromDisk(defaultModelPath(), { numThreads: 1 });
    fixed = await loadModelFromDisk(FIXED, { numThreads: 1 });
  });
  after(async () => {
    await dynamic?.dispose();
    await fixed?.dispose();
  });

  it('has a card naming its own file and sha256, batch 64 in and out, and otherwise the dynamic card', () => {
    assert.equal(card.file, 'focus-quality.b64.onnx');
    assert.equal(card.sha256, createHash('sha256').update(readFileSync(FIXED)).digest('hex'));
    assert.deepEqual(card.input.shape, [64, 1, card.patchSize, card.patchSize]);
    assert.deepEqual(card.output.shape, [64, card.levels]);
    const rest = (c: ModelCard): Record<string, unknown> => {
      const copy = { ...c } as Record<string, unknown>;
      for (const key of ['file', 'sha256', 'input', 'output', 'fixedBatchOf']) delete copy[key];
      return copy;
    };
    assert.deepEqual(rest(card), rest(dynamicCard));
    const of = (card as ModelCard & { fixedBatchOf?: { sha256: string } }).fixedBatchOf;
    assert.equal(of?.sha256, createHash('sha256').update(readFileSync(defaultModelPath())).digest('hex'), 'made from the shipped dynamic model');
  });

  it('declares batch 64 to onnxruntime-web and refuses any other batch', async () => {
    const session = await ort.InferenceSession.create(readFileSync(FIXED));
    try {
      const shapeOf = (m: readonly ort.InferenceSession.ValueMetadata[]) => (m[0]!.isTensor ? m[0]!.shape : []);
      assert.deepEqual(shapeOf(session.inputMetadata), [64, 1, card.patchSize, card.patchSize]);
      assert.deepEqual(shapeOf(session.outputMetadata), [64, card.levels]);
      const P = card.patchSize;
      await assert.rejects(session.run({ [card.input.name]: new ort.Tensor('float32', new Float32Array(3 * P * P), [3, 1, P, P]) }), /dimension|shape/i);
    } finally {
      await session.release();
    }
  });

  for (const file of [join(IN_FOCUS_DIR, 'BBBC006_a05_s1_w1_z10.tif'), join(DEFOCUSED_DIR, 'mcf7_b01_s2_w1.tif')]) {
    it(`gives every patch of ${file.split('/').pop()} the dynamic model's probabilities (to 1e-6), last batch padded`, async () => {
      const image = (await readImageFile(file)).slices[0]!;
      const a = await measureImage(dynamic, image, { batchSize: 64 });
      const b = await measureImage(fixed, image, { batchSize: 64 });
      assert.ok(a.patches.length % 64 !== 0, `${a.patches.length} patches should need a padded batch`);
      let worst = 0;
      a.patches.forEach((p, i) => p.probs.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b.patches[i]!.probs[k]!)))));
      assert.ok(worst <= 1e-6, `largest difference ${worst}`);
      assert.equal(b.level, a.level);
    });
  }
});
