/**
 * The evaluation protocol's statistics (eval/protocol.ts), which turn metric values into the F-scores and level
 * accuracies of reports/evaluation.md. Kept here, next to the metrics they judge, because eval/ has no test tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  confusionMatrix, fitLevelMap, fitThreshold, fScore, nonIncreasing, ranks, seededRandom, spearman, stratifiedSplit, withinOneShare,
} from '../../../eval/protocol.js';

test('fScore counts in-focus as positive: TP 2, FP 1, FN 1 → 4/6', () => {
  assert.equal(fScore([true, true, true, false, false], [true, true, false, true, false]), 4 / 6);
});

test('fitThreshold separates perfectly separable classes at a midpoint', () => {
  const t = fitThreshold([5, 6, 7, 1, 2], [true, true, true, false, false]);
  assert.equal(t, 3.5);
});

test('stratifiedSplit puts about 10% of every stratum, at least one, in fit and the rest in test, disjointly', () => {
  const strata = [...Array<number>(30).fill(0), ...Array<number>(5).fill(1), 2, 2];
  const { fit, test: rest } = stratifiedSplit(strata, 0.1, seededRandom(1));
  assert.equal(fit.length + rest.length, strata.length);
  assert.equal(new Set([...fit, ...rest]).size, strata.length);
  assert.deepEqual(fit.map((i) => strata[i]).sort(), [0, 0, 0, 1, 2]);
});

test('nonIncreasing pools adjacent violators into their weighted mean', () => {
  assert.deepEqual(nonIncreasing([5, 3, 4, 1], [1, 1, 1, 1]), [5, 3.5, 3.5, 1]);
});

test('fitLevelMap maps values to the level with the nearest monotone median, filling empty levels', () => {
  // Level medians 10, (missing → 7.5), 5, 0; higher sharpness = lower level.
  const map = fitLevelMap([10, 10, 5, 0], [0, 0, 2, 3], 4);
  assert.deepEqual([11, 8, 6, 4, -3].map(map), [0, 1, 2, 2, 3]);
});

test('confusionMatrix and withinOneShare on a small example', () => {
  assert.deepEqual(confusionMatrix([0, 1, 2], [0, 2, 0], 3), [[1, 0, 0], [0, 0, 1], [1, 0, 0]]);
  assert.equal(withinOneShare([0, 1, 2], [0, 2, 0]), 2 / 3);
});

test('spearman is 1 for monotone pairs, −1 for reversed, and averages tied ranks', () => {
  assert.deepEqual(ranks([3, 1, 3, 2]), [3.5, 1, 3.5, 2]);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [10, 20, 25, 100]) - 1) < 1e-12);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12);
});
