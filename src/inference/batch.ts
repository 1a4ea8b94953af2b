/**
 * Runs the model over an image's patches in batches: each batch is mapped to model input by the card's intensity rule
 * (computed once per image) into one reused float32 buffer, so memory is O(batch · P²) however large the image, and
 * the whole image is never copied as float.
 */
import { CancelledError } from '../core/errors.js';
import { extractPatches, inputMapping, intensityRuleOf } from '../core/scaling.js';
import type { GrayImage, PatchRect } from '../core/types.js';
import type { FocusModel } from './session.js';

export interface BatchRunOptions {
  readonly batchSize: number;
  /** `fullScale(image)`, computed once by the caller; the card's intensity rule (core/scaling.ts) starts from it. */
  readonly scale: number;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Probabilities [rects.length, levels], row k for rects[k]. Checks `signal` before every batch. */
export async function predictInBatches(model: Pick<FocusModel, 'card' | 'predict'>, image: GrayImage, rects: readonly PatchRect[], options: BatchRunOptions): Promise<Float32Array> {
  const P = model.card.patchSize;
  const levels = model.card.levels;
  const total = rects.length;
  const batch = Math.max(1, Math.min(options.batchSize, total));
  const buffer = new Float32Array(batch * P * P);
  const mapping = inputMapping(image, intensityRuleOf(model.card), options.scale);
  const probs = new Float32Array(total * levels);
  for (let start = 0; start < total; start += batch) {
    if (options.signal?.aborted) throw new CancelledError('measurement cancelled');
    const part = rects.slice(start, start + batch);
    const input = extractPatches(image, part, P, buffer, mapping);
    probs.set(await model.predict(input, part.length), start * levels);
    options.onProgress?.(start + part.length, total);
  }
  return probs;
}
