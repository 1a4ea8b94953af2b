/**
 * Whole-image verdict from patch verdicts (Yang et al. 2018, "aggregate"): the image's distribution is the
 * certainty-weighted mean of the patch distributions, so background patches (certainty ≈ 0) hardly count.
 *
 * - level: argmax of that distribution (ties → the sharper level), or its median — the smallest k with
 *   Σ_{j≤k} p_j ≥ ½. The median is steadier for strongly defocused images, whose broad patch distributions push the
 *   argmax of the mean to the last level. Chosen by the `aggregation` option, else the model card, else argmax.
 * - score: expected level Σ k·p_k, continuous, lower = sharper (handy for ranking z-slices).
 * - certainty: certainty of the aggregated distribution; meanCertainty / maxCertainty over the patches.
 * - If every patch has certainty 0 (a blank image) weights are meaningless; the plain mean is used and a warning says so.
 * - verdict: 'in', 'out' or 'uncertain' by the card's rule (core/verdict.ts); a plane without content (the caller
 *   says so, see core/content.ts) is 'uncertain' with a warning.
 */
import { patchCertainty } from './certainty.js';
import { ImageContentError } from './errors.js';
import type { Aggregation, ModelCard } from './model-card.js';
import type { FocusResult, PatchScore, Verdict } from './types.js';
import { decideVerdict } from './verdict.js';

export type AggregateResult = Pick<FocusResult, 'level' | 'score' | 'certainty' | 'meanCertainty' | 'maxCertainty' | 'inFocus' | 'probs'> & {
  readonly verdict: Verdict;
  readonly aggregation: Aggregation;
  readonly warnings: readonly string[];
};

export interface AggregateOptions {
  /** Overrides the card's way of reading the level. */
  readonly aggregation?: Aggregation | undefined;
  /** False when the plane has nothing to judge (core/content.ts `hasContent`); default true. */
  readonly hasContent?: boolean | undefined;
}

/** Index of the largest value; the first one on ties. */
export function argmaxLevel(probs: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[best]!) best = k;
  return best;
}

/** Smallest k whose cumulative probability reaches ½ (with a tolerance of 1e-9 for sums that are ½ up to rounding). */
export function medianLevel(probs: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < probs.length; k++) total += probs[k]!;
  let cum = 0;
  for (let k = 0; k < probs.length; k++) {
    cum += probs[k]!;
    if (cum >= 0.5 * total - 1e-9) return k;
  }
  return probs.length - 1;
}

export function aggregatePatches(patches: readonly PatchScore[], card: Pick<ModelCard, 'levels' | 'inFocusMaxLevel' | 'aggregation' | 'verdict'>, options: AggregateOptions = {}): AggregateResult {
  const levels = card.levels;
  if (patches.length === 0) throw new ImageContentError('no patches to aggregate');
  const warnings: string[] = [];
  let weightSum = 0;
  let certSum = 0;
  let maxCertainty = 0;
  for (const p of patches) {
    if (p.probs.length !== levels) throw new RangeError(`patch at (${p.x}, ${p.y}) has ${p.probs.length} probabilities, the model card says ${levels} levels`);
    weightSum += p.certainty;
    certSum += p.certainty;
    if (p.certainty > maxCertainty) maxCertainty = p.certainty;
  }
  const unweighted = !(weightSum > 0);
  if (unweighted) warnings.push('every patch has certainty 0 (blank image?): the image distribution is the unweighted mean of the patches');
  const probs = new Array<number>(levels).fill(0);
  for (const p of patches) {
    const w = unweighted ? 1 : p.certainty;
    if (w === 0) continue;
    for (let k = 0; k < levels; k++) probs[k]! += w * p.probs[k]!;
  }
  const norm = unweighted ? patches.length : weightSum;
  let score = 0;
  for (let k = 0; k < levels; k++) {
    probs[k] = probs[k]! / norm;
    score += k * probs[k]!;
  }
  const aggregation = options.aggregation ?? card.aggregation ?? 'argmax';
  const level = aggregation === 'median' ? medianLevel(probs) : argmaxLevel(probs);
  const certainty = patchCertainty(probs);
  const inFocus = level <= card.inFocusMaxLevel;
  const hasContent = options.hasContent ?? true;
  if (!hasContent) warnings.push('the image has no content to judge (it is flat: constant up to 2 grey levels): its level says nothing about focus, verdict uncertain');
  const verdict = decideVerdict({ score, certainty, inFocus, hasContent, anyCertainty: !unweighted }, card);
  return { level, score, certainty, meanCertainty: certSum / patches.length, maxCertainty, inFocus, verdict, probs, aggregation, warnings };
}
