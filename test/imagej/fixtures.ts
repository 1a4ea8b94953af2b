/** Hand-built FocusResults over the real patch grid, and the real images the ImageJ tests open. */
import { fileURLToPath } from 'node:url';
import { aggregatePatches } from '../../src/core/aggregate.js';
import { patchCertainty } from '../../src/core/certainty.js';
import { splitIntoPatches } from '../../src/core/patches.js';
import type { FocusResult, PatchScore } from '../../src/core/types.js';

/** The repository's real test images (tests run from build/test/imagej). */
export const DATA = fileURLToPath(new URL('../../../test/fixtures/images/', import.meta.url));
export const IN_FOCUS_16 = `${DATA}bbbc006-in-focus/BBBC006_a01_s1_w1_z10.tif`;
export const DEFOCUSED_16 = `${DATA}mcf7-defocused/`;

const CARD = { levels: 11, inFocusMaxLevel: 2, aggregation: 'median' as const };

/** A result for a width×height image whose patch i peaks at level (i + seed) mod 11 with varying sharpness. */
export function handMadeResult(width: number, height: number, slice = 0, seed = 0, patchSize = 84): FocusResult {
  const patches: PatchScore[] = splitIntoPatches(width, height, patchSize).map((r, i) => {
    const level = (i + seed) % CARD.levels;
    const peak = 0.3 + 0.07 * ((i * 7 + seed) % 10);
    const probs = Array.from({ length: CARD.levels }, (_, k) => (k === level ? peak : (1 - peak) / (CARD.levels - 1)));
    return { ...r, level, certainty: patchCertainty(probs), probs };
  });
  const agg = aggregatePatches(patches, CARD);
  return {
    width, height, slice,
    level: agg.level, score: agg.score, certainty: agg.certainty, meanCertainty: agg.meanCertainty, maxCertainty: agg.maxCertainty,
    inFocus: agg.inFocus, probs: agg.probs, patches, timings: {},
  };
}

/** A result with no patches (what a caller may hand over for an empty selection): every number NaN. */
export function emptyResult(width: number, height: number, slice = 0): FocusResult {
  return {
    width, height, slice, level: NaN, score: NaN, certainty: NaN, meanCertainty: NaN, maxCertainty: NaN,
    inFocus: false, probs: [], patches: [], timings: {},
  };
}
