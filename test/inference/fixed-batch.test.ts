/**
 * withFixedBatch (the WebGL path of loadModel) on the shipped model, checked in onnxruntime-web (Node, wasm): the copy
 * declares the fixed batch, ORT enforces it, and it computes exactly what the dynamic-batch model computes on real
 * patches. WebGL itself is tested in Chromium (test/browser/webgl.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import type { ModelCard } from '../../src/core/model-card.js';
import { withFixedBatch } from '../../src/inference/fixed-batch.js';
import { measureImage } from '../../src/inference/measure.js';
import { loadModel, type FocusModel } from '../../src/inference/session.js';
import { readImageFile } from '../../src/node/image-files.js';
import { cardPathFor, defaultModelPath, readModelCard } from '../../src/node/model-files.js';
import { DEFOCUSED_DIR, IN_FOCUS_DIR } from '../io/fixtures.js';

const BATCH = 16;

describe('withFixedBatch on the shipped model', { timeout: 300_000 }, () => {
  let bytes: Uint8Array;
  let card: ModelCard;
  let dynamic: FocusModel;
  before(async () => {
    bytes = new Uint8Array(readFileSync(defaultModelPath()));
    card = await readModelCard(cardPathFor(defaultModelPath()));
    dynamic = await loadModel({ model: bytes, card, numThreads: 1 });
  });
  after(() => dynamic?.dispose());

  it('fixes the batch of the one input and the one output, and ORT then declares and enforces it', async () => {
    assert.equal(card.input.shape[0], 'N', 'the shipped card has a dynamic batch');
    const { model, fixed } = withFixedBatch(bytes, BATCH);
    assert.equal(fixed, 2);
    const session = await ort.InferenceSession.create(model);
    try {
      const shapeOf = (m: readonly ort.InferenceSession.ValueMetadata[]) => (m[0]!.isTensor ? m[0]!.shape : []);
      assert.deepEqual(shapeOf(session.inputMetadata), [BATCH, 1, card.patchSize, card.patchSize]);
      assert.deepEqual(shapeOf(session.outputMetadata), [BATCH, card.levels]);
      const P = card.patchSize;
      await assert.rejects(session.run({ [card.input.name]: new ort.Tensor('float32', new Float32Array(3 * P * P), [3, 1, P, P]) }), /dimension|shape/i);
    } finally {
      await session.release();
    }
  });

  it('leaves a model whose batch is already fixed byte for byte as it is', () => {
    const once = withFixedBatch(bytes, BATCH).model;
    const twice = withFixedBatch(once, BATCH);
    assert.equal(twice.fixed, 0);
    assert.deepEqual(twice.model, once);
  });

  for (const file of [join(IN_FOCUS_DIR, 'BBBC006_a05_s1_w1_z10.tif'), join(DEFOCUSED_DIR, 'mcf7_b01_s2_w1.tif')]) {
    it(`gives every patch of ${file.split('/').pop()} the dynamic model's probabilities (to 1e-6), padding the last batch`, async () => {
      const fixedCard: ModelCard = { ...card, input: { ...card.input, shape: [BATCH, ...card.input.shape.slice(1)] }, output: { ...card.output, shape: [BATCH, card.levels] } };
      const fixed = await loadModel({ model: withFixedBatch(bytes, BATCH).model, card: fixedCard, numThreads: 1 });
      try {
        const image = (await readImageFile(file)).slices[0]!;
        const a = await measureImage(dynamic, image, { batchSize: 64 });
        const b = await measureImage(fixed, image, { batchSize: 64 });
        assert.ok(a.patches.length > BATCH && a.patches.length % BATCH !== 0, `${a.patches.length} patches should need several batches and padding`);
        let worst = 0;
        a.patches.forEach((p, i) => p.probs.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b.patches[i]!.probs[k]!)))));
        assert.ok(worst <= 1e-6, `largest difference ${worst}`);
      } finally {
        await fixed.dispose();
      }
    });
  }

  it('refuses bytes that are not an ONNX model and a batch that is not a positive integer', () => {
    assert.throws(() => withFixedBatch(new TextEncoder().encode('not a model'), BATCH), /wire type|protobuf|ONNX/);
    assert.throws(() => withFixedBatch(bytes, 0), RangeError);
  });
});
