import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatError } from '../../src/core/errors.js';
import { parseModelCard } from '../../src/core/model-card.js';
import { loadModel, type FocusModel } from '../../src/inference/session.js';
import { loadModelFromDisk } from '../../src/node/model-files.js';
import { LEVELS, affineProbs, makeTinyModels } from './tiny.js';

const P = 84;
const constantPatches = (values: number[]): Float32Array => {
  const out = new Float32Array(values.length * P * P);
  values.forEach((v, i) => out.fill(v, i * P * P, (i + 1) * P * P));
  return out;
};

describe('loadModel / predict (hand-made affine ONNX models in onnxruntime-web, Node wasm)', { timeout: 120_000 }, () => {
  let dir: string;
  let model: FocusModel;
  let fixed: FocusModel;

  before(async () => {
    dir = makeTinyModels();
    model = await loadModelFromDisk(join(dir, 'affine.onnx'));
    fixed = await loadModelFromDisk(join(dir, 'affine-b4.onnx'));
  });
  after(async () => {
    await model?.dispose();
    await fixed?.dispose();
  });

  it('returns softmax((40 − 8k)·mean + 2k) for every patch of a batch', async () => {
    const values = [0, 0.25, 0.5, 1];
    const out = await model.predict(constantPatches(values), values.length);
    assert.equal(out.length, values.length * LEVELS);
    values.forEach((v, i) => {
      const want = affineProbs(v);
      for (let k = 0; k < LEVELS; k++) assert.ok(Math.abs(out[i * LEVELS + k]! - want[k]!) < 1e-5, `patch ${i} level ${k}`);
    });
  });

  it('reads only the first `count` patches of a longer buffer', async () => {
    const out = await model.predict(constantPatches([1, 0, 0]), 1);
    assert.equal(out.length, LEVELS);
    assert.ok(Math.abs(out[0]! - affineProbs(1)[0]!) < 1e-5);
  });

  it('runs a fixed-batch model on any count by padding, with the same outputs', async () => {
    const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const a = await model.predict(constantPatches(values), 6);
    const b = await fixed.predict(constantPatches(values), 6);
    assert.equal(b.length, 6 * LEVELS);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6);
  });

  it('serialises concurrent predict calls on one session', async () => {
    const values = [0, 0.25, 0.5, 0.75]; // exact in float32 sums, so the outputs match to 1e-5
    const runs = await Promise.all(values.map((v) => model.predict(constantPatches([v, v]), 2)));
    runs.forEach((out, i) => assert.ok(Math.abs(out[0]! - affineProbs(Math.fround(values[i]!))[0]!) < 1e-5, `call ${i}: ${out[0]}`));
  });

  it('refuses a model whose input/output names differ from the card, naming both', async () => {
    await assert.rejects(loadModelFromDisk(join(dir, 'wrong-names.onnx')), (e: Error) => e.name === 'ModelError' && /\[x\].*\[y\].*"patches".*"probabilities"/.test(e.message));
  });

  it('refuses a model whose patch size differs from the card, naming both shapes', async () => {
    await assert.rejects(loadModelFromDisk(join(dir, 'wrong-size.onnx')), (e: Error) => e.name === 'ModelError' && /input shape \[N, 1, 64, 64\] does not match the card's \[N, 1, 84, 84\]/.test(e.message));
  });

  it('refuses bytes that are not an ONNX model with a ModelError', async () => {
    const card = parseModelCard(JSON.parse(readFileSync(join(dir, 'affine.card.json'), 'utf8')));
    await assert.rejects(loadModel({ model: new TextEncoder().encode('not a model'), card, name: 'junk.onnx' }), (e: Error) => e.name === 'ModelError' && /^junk\.onnx: cannot create an ONNX session/.test(formatError(e)));
  });

  it('says where the card should be when it is missing', async () => {
    await assert.rejects(loadModelFromDisk(join(dir, 'nothing-here.onnx')), (e: Error) => e.name === 'ModelError' && /nothing-here\.card\.json.*next to the \.onnx file/.test(formatError(e)));
  });
});
