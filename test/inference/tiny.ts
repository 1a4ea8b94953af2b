/** The hand-made affine test models (tiny_model.py) and the exact outputs they must give. */
import { join } from 'node:path';
import { PYTHON, REPO, runTool, tempDir } from '../io/fixtures.js';

export const LEVELS = 11;

/** Writes affine.onnx, affine-b4.onnx, wrong-names.onnx (+ cards) into a fresh temp folder and returns it. */
export function makeTinyModels(): string {
  const dir = tempDir('tiny-models');
  runTool(PYTHON, [join(REPO, 'test', 'inference', 'tiny_model.py'), dir]);
  return dir;
}

/** softmax((40 − 8k)·m + 2k) for a patch of mean scaled intensity m — what affine.onnx computes. */
export function affineProbs(mean: number): number[] {
  const logits = Array.from({ length: LEVELS }, (_, k) => (40 - 8 * k) * mean + 2 * k);
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
